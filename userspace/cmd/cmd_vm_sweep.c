// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vm_sweep.c - `lazytlb vm sweep KERNEL... SCENARIO --smp 2,8,32,128`: one scenario at
 * each vCPU count of each kernel, in one command. Each point is this binary's own `vm run
 * KERNEL SCENARIO --smp N` (a child, exactly what a user would type), its result in
 * DIR/KERNEL/smpN/SCENARIO.json (several scenarios, comma-separated, run in the same guest);
 * DIR/report.md then has, per scenario, the lazy-TLB costs per workload op against the CPUs,
 * the identities checked at every point and the scaling plots (analysis/sweep_report.c).
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
#include "analysis/sweep_report.h"
#include "bench/scenario.h"
#include "lib/cli.h"
#include "lib/json.h"
#include "vm/vm.h"

#define SWEEP_MAX_POINTS 16
#define SWEEP_MAX_KERNELS 8
#define SWEEP_MAX_SCENARIOS 8

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb vm sweep KERNEL... SCENARIO[,SCENARIO...] --smp LIST [-o DIR] [-r N] [-d S]\n"
		"                       [--timeout S] [--report-only] [--no-render] [-- RUN-OPTIONS]\n"
		"  Runs `lazytlb vm run KERNEL SCENARIO --smp N -- -r N -d S [RUN-OPTIONS]` for each kernel\n"
		"  and each N of LIST, one guest at a time (several scenarios: one guest runs them all), into\n"
		"  DIR/KERNEL/smpN/, then writes DIR/report.md: per scenario and kernel the IPIs by cause,\n"
		"  shoot-lazy and exit-flush IPIs with the lazy CPUs they reach (counted by sender and\n"
		"  receiver), refcount atomics, lazy grabs and drops of every site, per op or per context\n"
		"  switch, against the vCPUs; the identities checked at each point (refcount atomics = grabs +\n"
		"  drops, grabs balance drops, shoot-lazy IPIs = the CPUs the freed mm was lazy on, none on a\n"
		"  refcount kernel; powerpc: exit-flush IPIs sent = run, the CPUs lazy at an exit's flush by\n"
		"  sender = receiver); and the scaling plots (exit-lazy, ctxsw, tlbflush-munmap), every kernel\n"
		"  on one plot. Guests above 16 vCPUs get the big-guest settings (lazytlb vm run --help).\n"
		"  Default DIR: out/vm/sweep/SCENARIO.\n"
		"  --smp LIST     vCPU counts, comma-separated (e.g. 2,8,32,128; at most %d)\n"
		"  -r N           reps per point (default 3)\n"
		"  -d S           seconds per rep (default 2)\n"
		"  --timeout S    per guest (default: vm run's)\n"
		"  --report-only  run nothing: write DIR/report.md from the results already there\n"
		"  --no-render    write the plots' data and gnuplot scripts, do not run gnuplot\n"
		"examples:\n"
		"  lazytlb vm sweep debian-6.12-amd64 custom-6.12-amd64-shootdown exit-lazy,ctxsw,tlbflush-munmap \\\n"
		"      --smp 2,8,32 -r 3 -d 1\n"
		"  lazytlb vm sweep debian-6.12-ppc64el ctxsw --smp 2,8 -r 1 -o /tmp/sw\n"
		"  Counts are exact under TCG; times are not hardware times (N vCPUs share the host's CPUs):\n"
		"  the report has no ns; those come from the host's atomic-cost model (lazytlb run atomic-cost).\n"
		"  Exit: 0 every point ran and every check held; 1 a guest failed or a check failed (the report\n"
		"  has the points that ran); 2 usage.\n",
		SWEEP_MAX_POINTS);
}

struct sweep {
	const char *k[SWEEP_MAX_KERNELS], *scen[SWEEP_MAX_SCENARIOS], *outdir, *reps, *dur, *timeout;
	int nk, np, ns;
	bool report_only, no_render;
	char scen_buf[512];
	const char *scen_list; /* as given, for messages */
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

/* SCENARIO[,SCENARIO...]: each must load (a typo fails before any guest boots) */
static int parse_scenarios(const char *list, struct sweep *w)
{
	char *save = NULL, err[512];
	struct scenario scn;

	w->scen_list = list;
	vm_snprintf(w->scen_buf, sizeof(w->scen_buf), "%s", list);
	for (char *t = strtok_r(w->scen_buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (w->ns == SWEEP_MAX_SCENARIOS)
			return lt_err(LT_EXIT_USAGE, "at most %d scenarios", SWEEP_MAX_SCENARIOS);
		if (scenario_load(t, &scn, err, sizeof(err)))
			return lt_err(LT_EXIT_USAGE, "%s", err);
		scenario_free(&scn);
		w->scen[w->ns++] = t;
	}
	return w->ns ? 0 : lt_err(LT_EXIT_USAGE, "needs a SCENARIO");
}

static int parse(int argc, char **argv, struct sweep *w)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "reps", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' }, { "smp", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ "report-only", no_argument, NULL, 'R' }, { "no-render", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	w->reps = "3", w->dur = "2";
	argc = vm_split_extra(argc, argv, &w->extra, &w->nextra);
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
		case 'R': w->report_only = true; break;
		case 'N': w->no_render = true; break;
		case 'h': usage(stdout); return -1;
		default: return lt_err(LT_EXIT_USAGE, "try lazytlb vm sweep --help");
		}
	}
	if (argc - optind < 2 || argc - optind - 1 > SWEEP_MAX_KERNELS)
		return lt_err(LT_EXIT_USAGE, "needs KERNEL... SCENARIO (1..%d kernels; try lazytlb vm sweep --help)",
			      SWEEP_MAX_KERNELS);
	if (!w->np)
		return lt_err(LT_EXIT_USAGE, "needs --smp LIST (e.g. --smp 2,8,32,128)");
	if ((rc = parse_scenarios(argv[argc - 1], w)))
		return rc;
	for (int i = optind; i < argc - 1; i++) {
		struct kcfg k;

		if (strchr(argv[i], '/') || vm_kcfg_load(argv[i], &k))
			return LT_EXIT_USAGE; /* vm_kcfg_load said why */
		for (int p = 0; p < w->np; p++) {
			unsigned int nr = vm_kernel_nr_cpus(argv[i]);

			if (nr && w->smp[p] > nr && !w->report_only)
				return lt_err(LT_EXIT_USAGE, "--smp %u: %s was built with NR_CPUS=%u", w->smp[p], argv[i], nr);
			if (w->smp[p] > vm_smp_max(&k))
				return lt_err(LT_EXIT_USAGE, "--smp %u: %s (%s) takes at most %u vCPUs", w->smp[p], argv[i],
					      kcfg_get(&k, "arch"), vm_smp_max(&k));
		}
		w->k[w->nk++] = argv[i];
	}
	return 0;
}

/* `vm run KERNEL SCENARIO --smp N -o SUB -- -r R -d S [SCENARIO...] [extra]`, waited for: its
 * exit status (the guest's `lazytlb run` takes the other scenarios as operands) */
static int run_point(struct sweep *w, const char *kname, unsigned int n, const char *sub)
{
	char *argv[32 + 64], smp[16];
	int m = 0;
	pid_t pid;

	vm_snprintf(smp, sizeof(smp), "%u", n);
	argv[m++] = w->self, argv[m++] = "vm", argv[m++] = "run", argv[m++] = (char *)kname;
	argv[m++] = (char *)w->scen[0], argv[m++] = "--smp", argv[m++] = smp, argv[m++] = "-o", argv[m++] = (char *)sub;
	if (w->timeout)
		argv[m++] = "--timeout", argv[m++] = (char *)w->timeout;
	argv[m++] = "--", argv[m++] = "-r", argv[m++] = (char *)w->reps, argv[m++] = "-d", argv[m++] = (char *)w->dur;
	for (int j = 1; j < w->ns; j++)
		argv[m++] = (char *)w->scen[j];
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

/* every point of every kernel, one guest at a time: the number that failed */
static int run_points(struct sweep *w)
{
	char sub[PATH_MAX + 128], res[PATH_MAX + 192];
	int rc, failed = 0;

	for (int k = 0; k < w->nk; k++)
		for (int p = 0; p < w->np; p++) {
			vm_snprintf(sub, sizeof(sub), "%s/%s/smp%u", w->dir, w->k[k], w->smp[p]);
			for (int s = 0; s < w->ns; s++) {
				vm_snprintf(res, sizeof(res), "%s/%s.json", sub, w->scen[s]);
				unlink(res); /* never report a result of an earlier sweep */
			}
			fprintf(stderr, "%s: %s %s with %u vCPUs ...\n", lt_prog, w->k[k], w->scen_list, w->smp[p]);
			if ((rc = run_point(w, w->k[k], w->smp[p], sub))) {
				lt_warn("%s --smp %u: vm run failed (exit %d; %s/console.log)", w->k[k], w->smp[p], rc, sub);
				failed++;
			}
		}
	return failed;
}

int vm_sweep(int argc, char **argv)
{
	struct sweep w = {};
	struct sweep_def d;
	int rc, failed = 0, bad = 0;
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
		vm_snprintf(w.dir, sizeof(w.dir), "out/vm/sweep/%s", w.scen[0]);
	if (w.report_only && access(w.dir, R_OK | X_OK))
		return lt_err(LT_EXIT_USAGE, "--report-only: %s: %s (no sweep there)", w.dir, strerror(errno));
	if (!w.report_only)
		failed = run_points(&w);
	d = (struct sweep_def){ .dir = w.dir, .kernels = w.k, .nk = w.nk, .scens = w.scen, .ns = w.ns, .smp = w.smp,
				.np = w.np, .reps = w.reps, .dur = w.dur, .render = !w.no_render };
	if ((rc = sweep_report_write(&d, &bad)))
		return rc;
	if (failed)
		return lt_err(LT_EXIT_FAIL, "%d of %d points failed; %s/report.md has the others", failed, w.nk * w.np,
			      w.dir);
	if (bad)
		return lt_err(LT_EXIT_FAIL, "%d check(s) failed: %s/report.md", bad, w.dir);
	printf("%s: %d points, %s/report.md\n", w.scen_list, w.nk * w.np, w.dir);
	return LT_EXIT_OK;
}
