// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vm_sweep.c - `lazytlb vm sweep KERNEL... SCENARIO --smp 2,8,32,128`: one scenario at
 * each vCPU count of each kernel, in one command. Each point is this binary's own `vm run
 * KERNEL SCENARIO --smp N` (a child, exactly what a user would type), its result in
 * DIR/KERNEL/smpN/SCENARIO.json; DIR/report.md then has one table per kernel of the lazy-TLB
 * costs per workload op against the CPUs.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/scenario.h"
#include "lib/cli.h"
#include "lib/json.h"
#include "vm/vm.h"

#define SWEEP_MAX_POINTS 16
#define SWEEP_MAX_KERNELS 8

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb vm sweep KERNEL... SCENARIO --smp LIST [-o DIR] [-r N] [-d S] [--timeout S]\n"
		"                       [-- RUN-OPTIONS]\n"
		"  Runs `lazytlb vm run KERNEL SCENARIO --smp N -- -r N -d S [RUN-OPTIONS]` for each kernel\n"
		"  and each N of LIST, one guest at a time, into DIR/KERNEL/smpN/, then writes DIR/report.md:\n"
		"  per kernel, each point's IPIs by cause, shoot-lazy IPIs, refcount atomics and lazy\n"
		"  grabs + drops per workload op (an exit, a switch, a munmap: the scenario's op) against\n"
		"  the vCPUs. Guests above 16 vCPUs get the big-guest settings (lazytlb vm run --help).\n"
		"  Default DIR: out/vm/sweep/SCENARIO.\n"
		"  --smp LIST  vCPU counts, comma-separated (e.g. 2,8,32,128; at most %d)\n"
		"  -r N        reps per point (default 3)\n"
		"  -d S        seconds per rep (default 2)\n"
		"  --timeout S per guest (default: vm run's)\n"
		"examples:\n"
		"  lazytlb vm sweep custom-6.12-amd64-refcount custom-6.12-amd64-shootdown exit-lazy --smp 2,8,32\n"
		"  lazytlb vm sweep debian-6.12-ppc64el ctxsw --smp 2,8 -r 1 -o /tmp/sw\n"
		"  Counts are exact under TCG; times are not hardware times (N vCPUs share the host's CPUs).\n"
		"  Exit: 0 every point ran; 1 a guest failed (the report has the points that ran); 2 usage.\n",
		SWEEP_MAX_POINTS);
}

struct sweep {
	const char *k[SWEEP_MAX_KERNELS], *scen, *outdir, *reps, *dur, *timeout;
	int nk, np;
	unsigned int smp[SWEEP_MAX_POINTS];
	char **extra;
	int nextra;
	char dir[PATH_MAX], self[PATH_MAX];
};

static int parse_smp(const char *s, struct sweep *w)
{
	char buf[256], *save = NULL;
	uint64_t n;

	vm_snprintf(buf, sizeof(buf), "%s", s);
	w->np = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (w->np == SWEEP_MAX_POINTS || !lt_parse_u64(t, &n) || !n || n > VM_SMP_MAX)
			return lt_err(LT_EXIT_USAGE, "bad --smp '%s' (at most %d counts of 1..%d, comma-separated)", s,
				      SWEEP_MAX_POINTS, VM_SMP_MAX);
		w->smp[w->np++] = (unsigned int)n;
	}
	return w->np ? 0 : lt_err(LT_EXIT_USAGE, "--smp needs at least one vCPU count");
}

static int parse(int argc, char **argv, struct sweep *w)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "reps", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' }, { "smp", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scenario scn;
	char err[512];
	int c, rc;

	w->reps = "3", w->dur = "2";
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			w->extra = argv + i + 1, w->nextra = argc - i - 1, argc = i;
			break;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:r:d:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': w->outdir = optarg; break;
		case 'r':
		case 'd':
		case 't':
			if ((rc = vm_child_opt(c, optarg, &w->reps, &w->dur, &w->timeout)))
				return rc;
			break;
		case 's':
			if ((rc = parse_smp(optarg, w)))
				return rc;
			break;
		case 'h': usage(stdout); return -1;
		default: return lt_err(LT_EXIT_USAGE, "try lazytlb vm sweep --help");
		}
	}
	if (argc - optind < 2 || argc - optind - 1 > SWEEP_MAX_KERNELS)
		return lt_err(LT_EXIT_USAGE, "needs KERNEL... SCENARIO (1..%d kernels; try lazytlb vm sweep --help)",
			      SWEEP_MAX_KERNELS);
	if (!w->np)
		return lt_err(LT_EXIT_USAGE, "needs --smp LIST (e.g. --smp 2,8,32,128)");
	w->scen = argv[argc - 1];
	if (scenario_load(w->scen, &scn, err, sizeof(err)))
		return lt_err(LT_EXIT_USAGE, "%s", err);
	scenario_free(&scn);
	for (int i = optind; i < argc - 1; i++) {
		struct kcfg k;

		if (strchr(argv[i], '/') || vm_kcfg_load(argv[i], &k))
			return LT_EXIT_USAGE; /* vm_kcfg_load said why */
		for (int p = 0; p < w->np; p++)
			if (w->smp[p] > vm_smp_max(&k))
				return lt_err(LT_EXIT_USAGE, "--smp %u: %s (%s) takes at most %u vCPUs", w->smp[p], argv[i],
					      kcfg_get(&k, "arch"), vm_smp_max(&k));
		w->k[w->nk++] = argv[i];
	}
	return 0;
}

/* `vm run KERNEL SCENARIO --smp N -o SUB -- -r R -d S [extra]`, waited for: its exit status */
static int run_point(struct sweep *w, const char *kname, unsigned int n, const char *sub)
{
	char *argv[32 + 64], smp[16];
	int m = 0;
	pid_t pid;

	vm_snprintf(smp, sizeof(smp), "%u", n);
	argv[m++] = w->self, argv[m++] = "vm", argv[m++] = "run", argv[m++] = (char *)kname;
	argv[m++] = (char *)w->scen, argv[m++] = "--smp", argv[m++] = smp, argv[m++] = "-o", argv[m++] = (char *)sub;
	if (w->timeout)
		argv[m++] = "--timeout", argv[m++] = (char *)w->timeout;
	argv[m++] = "--", argv[m++] = "-r", argv[m++] = (char *)w->reps, argv[m++] = "-d", argv[m++] = (char *)w->dur;
	for (int j = 0; j < w->nextra && m < 32 + 62; j++)
		argv[m++] = w->extra[j];
	argv[m] = NULL;
	pid = fork();
	if (pid == 0) {
		execv(w->self, argv);
		_exit(127);
	}
	return vm_wait_child(pid);
}

/* The report's columns: a metric of each rep (dotted path under reps.N.metrics), summed over
 * the reps and divided by the workload's ops */
static const struct {
	const char *head, *path, *path2;
} cols[] = {
	{ "IPIs", "ipi.sent", NULL },
	{ "TLB-flush IPIs", "ipi.by_cause.tlb_flush", NULL },
	{ "shoot-lazy IPIs", "mmdrop.shoot_lazy_ipis", NULL },
	{ "exit-flush-lazy IPIs", "ipi.by_cause.exit_flush_lazy", NULL },
	{ "membarrier IPIs", "ipi.by_cause.membarrier", NULL },
	{ "refcount atomics", "lazy.refcount_atomics", NULL },
	{ "lazy grabs + drops", "lazy.grabs", "lazy.drops" },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static double rep_metric(const struct json *rep, const char *path)
{
	const struct json *m = json_get(rep, "metrics"), *v = m ? json_path(m, path) : NULL;

	return v && json_is_number(v) ? json_as_double(v) : 0;
}

/* One table row for the result at path: "| N | ops | per op... |", or a row saying it is missing */
static void report_row(FILE *f, const char *path, unsigned int n)
{
	char err[256];
	struct json *r = json_parse_file(path, err, sizeof(err));
	const struct json *reps = r ? json_get(r, "reps") : NULL;
	double sum[NCOLS] = { 0 }, ops = 0;

	if (!reps || !json_len(reps)) {
		fprintf(f, "| %u | no result (%s) |%s\n", n, r ? "no reps" : err, "");
		json_free(r);
		return;
	}
	for (size_t i = 0; i < json_len(reps); i++) {
		const struct json *rep = json_at(reps, i), *o = json_path(rep, "workload.ops");

		ops += o && json_is_number(o) ? json_as_double(o) : 0;
		for (size_t c = 0; c < NCOLS; c++)
			sum[c] += rep_metric(rep, cols[c].path) + (cols[c].path2 ? rep_metric(rep, cols[c].path2) : 0);
	}
	fprintf(f, "| %u | %.0f |", n, ops);
	for (size_t c = 0; c < NCOLS; c++)
		fprintf(f, ops > 0 ? " %.3f |" : " - |", ops > 0 ? sum[c] / ops : 0);
	fputc('\n', f);
	json_free(r);
}

static int write_report(struct sweep *w)
{
	char path[PATH_MAX + 64], res[PATH_MAX + 192];
	FILE *f;

	vm_snprintf(path, sizeof(path), "%s/report.md", w->dir);
	if (!(f = fopen(path, "w")))
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	fprintf(f, "# %s against vCPUs\n\nPer workload op (the scenario's op: an exit, a context switch, a munmap), "
		   "summed over %s rep(s) of %s s per point. Counts are exact under qemu TCG; times there are not "
		   "hardware times (the vCPUs share the host's CPUs), so this report has none: take ns costs from "
		   "the host's atomic-cost model (`lazytlb run atomic-cost`).\n",
		w->scen, w->reps, w->dur);
	for (int k = 0; k < w->nk; k++) {
		fprintf(f, "\n## %s\n\n| vCPUs | ops |", w->k[k]);
		for (size_t c = 0; c < NCOLS; c++)
			fprintf(f, " %s/op |", cols[c].head);
		fprintf(f, "\n|---|---|");
		for (size_t c = 0; c < NCOLS; c++)
			fprintf(f, "---|");
		fputc('\n', f);
		for (int p = 0; p < w->np; p++) {
			vm_snprintf(res, sizeof(res), "%s/%s/smp%u/%s.json", w->dir, w->k[k], w->smp[p], w->scen);
			report_row(f, res, w->smp[p]);
		}
	}
	fclose(f);
	return 0;
}

int vm_sweep(int argc, char **argv)
{
	struct sweep w = {};
	char sub[PATH_MAX + 128], res[PATH_MAX + 192];
	int rc, failed = 0;
	ssize_t n;

	if ((rc = parse(argc, argv, &w)))
		return rc < 0 ? LT_EXIT_OK : rc;
	n = readlink("/proc/self/exe", w.self, sizeof(w.self) - 1);
	if (n <= 0)
		return lt_err(LT_EXIT_FAIL, "/proc/self/exe: %s", strerror(errno));
	w.self[n] = '\0';
	if (w.outdir)
		vm_snprintf(w.dir, sizeof(w.dir), "%s", w.outdir);
	else
		vm_snprintf(w.dir, sizeof(w.dir), "out/vm/sweep/%s", w.scen);
	for (int k = 0; k < w.nk; k++)
		for (int p = 0; p < w.np; p++) {
			vm_snprintf(sub, sizeof(sub), "%s/%s/smp%u", w.dir, w.k[k], w.smp[p]);
			vm_snprintf(res, sizeof(res), "%s/%s.json", sub, w.scen);
			unlink(res); /* never report a result of an earlier sweep */
			fprintf(stderr, "%s: %s %s with %u vCPUs ...\n", lt_prog, w.k[k], w.scen, w.smp[p]);
			if ((rc = run_point(&w, w.k[k], w.smp[p], sub))) {
				lt_warn("%s %s --smp %u: vm run failed (exit %d; %s/console.log)", w.k[k], w.scen, w.smp[p],
					rc, sub);
				failed++;
			}
		}
	if ((rc = write_report(&w)))
		return rc;
	if (failed)
		return lt_err(LT_EXIT_FAIL, "%d of %d points failed; %s/report.md has the others", failed, w.nk * w.np,
			      w.dir);
	printf("%s: %d points, %s/report.md\n", w.scen, w.nk * w.np, w.dir);
	return LT_EXIT_OK;
}
