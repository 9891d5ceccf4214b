// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vm_ab.c - `lazytlb vm ab KERNEL_A KERNEL_B SCENARIO`: a kernel A/B in one command.
 * Boots each kernel under qemu (`vm run`), runs the scenario in it, then writes the
 * comparison (`compare`) and the plots with their report (`plot`) beside both results:
 *   DIR/a-KERNEL_A/SCENARIO.json  DIR/b-KERNEL_B/SCENARIO.json
 *   DIR/compare.txt  DIR/report.md  DIR/NAME.svg and NAME.png (the plots)
 * and, when KERNEL_B carries a what-if filter (its kcfg's `whatif`, or --whatif), the check of
 * the prediction on A against what B saves (`whatif-check`): DIR/whatif-check.txt and .json.
 * The steps are this binary's own commands run as children, so each is exactly what a user
 * would type by hand (the README shows both ways).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "analysis/whatif_check.h"
#include "bench/scenario.h"
#include "lib/cli.h"
#include "vm/vm.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb vm ab KERNEL_A KERNEL_B SCENARIO [-o DIR] [-r N] [-d S] [--parallel]\n"
		"                    [--timeout S] [--whatif FILTER:CAUSE] [-- RUN-OPTIONS]\n"
		"  Boots KERNEL_A and KERNEL_B (lazytlb vm list) under qemu, one after the other, runs\n"
		"  `lazytlb run SCENARIO -r N -d S [RUN-OPTIONS]` in each, then compares them: DIR gets\n"
		"  a-KERNEL_A/SCENARIO.json, b-KERNEL_B/SCENARIO.json, compare.txt (lazytlb compare),\n"
		"  report.md with the plots (lazytlb plot). Default DIR: out/vm/ab/KERNEL_A-vs-KERNEL_B/SCENARIO.\n"
		"  -r N        reps per kernel (default 5: significance needs >= 3)\n"
		"  -d S        seconds per rep (default 2)\n"
		"  --parallel  boot both at once (faster; each guest then shares the host's CPUs)\n"
		"  --timeout S per guest (default: the kcfg's)\n"
		"  --whatif FILTER:CAUSE  B implements this what-if: check A's prediction against B\n"
		"              (lazytlb whatif-check; default: KERNEL_B's kcfg key `whatif`)\n"
		"              -> DIR/whatif-check.txt, DIR/whatif-check.json\n"
		"examples:\n"
		"  lazytlb vm ab debian-6.1-ppc64el debian-6.12-ppc64el exit-lazy\n"
		"  lazytlb vm ab debian-6.12-amd64 debian-sid-amd64 tlbflush -r 3 -o /tmp/ab\n"
		"  lazytlb vm ab custom-6.12-amd64-shootdown custom-6.12-amd64-shootdown-whatif exit-other-mm\n"
		"  Exit: 0 both ran and compared; 1 a guest or a step failed (one line); 2 usage.\n");
}

struct ab {
	const char *k[2], *scen, *outdir, *reps, *dur, *timeout;
	char whatif[256]; /* space-separated FILTER:CAUSE pairs B implements */
	bool parallel;
	char **extra;
	int nextra;
	char dir[PATH_MAX], sub[2][PATH_MAX + 64], self[PATH_MAX];
};

/* the what-if filters KERNEL_B implements (kcfg `whatif`), checked here so that a typo fails
 * before the guests boot; a B whose `twin` is not A is compared all the same, with a warning */
static int whatif_of_b(struct ab *a)
{
	struct kcfg k;
	const char *w, *twin;
	char tok[128], err[256];
	int f, ca, rc;

	if ((rc = vm_kcfg_load(a->k[1], &k)))
		return rc;
	w = kcfg_get(&k, "whatif");
	twin = kcfg_get(&k, "twin");
	if (!w || !*w)
		return 0;
	for (const char *p = w; *p;) {
		size_t n = strcspn(p, " \t");

		vm_snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		if (n && wc_parse_pair(tok, &f, &ca, err, sizeof(err)))
			return lt_err(LT_EXIT_USAGE, "%s.kcfg: whatif: %s", a->k[1], err);
		p += n + strspn(p + n, " \t");
	}
	if (twin && *twin && strcmp(twin, a->k[0]))
		lt_warn("%s carries its what-if over %s, not %s: the check compares different kernels too", a->k[1],
			twin, a->k[0]);
	vm_snprintf(a->whatif, sizeof(a->whatif), "%s", w);
	return 0;
}

static int parse(int argc, char **argv, struct ab *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "reps", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' }, { "parallel", no_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ "whatif", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct scenario scn;
	char err[512];
	int c, rc, f, ca;

	a->reps = "5", a->dur = "2";
	argc = vm_split_extra(argc, argv, &a->extra, &a->nextra);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:r:d:t:hw:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->outdir = optarg; break;
		case 'r':
		case 'd':
		case 't':
			if ((rc = vm_child_opt(c, optarg, &a->reps, &a->dur, &a->timeout)))
				return rc;
			break;
		case 'p': a->parallel = true; break;
		case 'w':
			if (wc_parse_pair(optarg, &f, &ca, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "--whatif: %s", err);
			vm_snprintf(a->whatif, sizeof(a->whatif), "%s", optarg);
			break;
		case 'h': usage(stdout); return -1;
		default: return lt_err(LT_EXIT_USAGE, "try lazytlb vm ab --help");
		}
	}
	if (argc - optind != 3)
		return lt_err(LT_EXIT_USAGE, "needs KERNEL_A KERNEL_B SCENARIO (try lazytlb vm ab --help)");
	a->k[0] = argv[optind], a->k[1] = argv[optind + 1], a->scen = argv[optind + 2];
	/* a scenario the guests cannot run, said before booting anything */
	if (scenario_load(a->scen, &scn, err, sizeof(err)))
		return lt_err(LT_EXIT_USAGE, "%s", err);
	scenario_free(&scn);
	for (int i = 0; i < 2; i++)
		if (strchr(a->k[i], '/') || !vm_exists("%s/kernels-config/%s.kcfg", vm_root, a->k[i]))
			return lt_err(LT_EXIT_USAGE, "unknown kernel '%s': no %s/kernels-config/%s.kcfg (lazytlb vm list)",
				      a->k[i], vm_root, a->k[i]);
	/* a custom kernel is built, not fetched: say so before booting the other one */
	for (int i = 0; i < 2; i++) {
		struct kcfg k;

		if ((c = vm_kcfg_load(a->k[i], &k)))
			return c;
		if (!strncmp(kcfg_get(&k, "source") ? kcfg_get(&k, "source") : "", "custom:", 7) &&
		    !vm_exists("%s/cache/kernels/%s/kernel", vm_root, a->k[i]))
			return lt_err(LT_EXIT_FAIL, "%s: custom kernel not built: vm/build-custom.sh %s (or make custom-kernels)",
				      a->k[i], a->k[i]);
	}
	return a->whatif[0] ? 0 : whatif_of_b(a);
}

/* The child `vm run` of kernel i (not waited for) */
static pid_t start_run(struct ab *a, int i)
{
	char *argv[32 + 64];
	int n = 0;
	pid_t pid;

	argv[n++] = a->self, argv[n++] = "vm", argv[n++] = "run", argv[n++] = (char *)a->k[i];
	argv[n++] = (char *)a->scen, argv[n++] = "-o", argv[n++] = a->sub[i];
	if (a->timeout)
		argv[n++] = "--timeout", argv[n++] = (char *)a->timeout;
	argv[n++] = "--", argv[n++] = "-r", argv[n++] = (char *)a->reps, argv[n++] = "-d", argv[n++] = (char *)a->dur;
	for (int j = 0; j < a->nextra && n < 32 + 62; j++)
		argv[n++] = a->extra[j];
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		execv(a->self, argv);
		_exit(127);
	}
	return pid;
}

/* this binary's `compare` into DIR/compare.txt, then `plot -o DIR` */
static int compare_and_plot(struct ab *a, const char *ra, const char *rb)
{
	char path[PATH_MAX + 64];
	pid_t pid;
	int fd, rc;

	vm_snprintf(path, sizeof(path), "%s/compare.txt", a->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		execl(a->self, a->self, "compare", ra, rb, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if ((rc = vm_wait_child(pid)))
		return lt_err(LT_EXIT_FAIL, "lazytlb compare %s %s failed (exit %d)", ra, rb, rc);
	pid = fork();
	if (pid == 0) {
		execl(a->self, a->self, "plot", "-o", a->dir, ra, rb, (char *)NULL);
		_exit(127);
	}
	if ((rc = vm_wait_child(pid)))
		return lt_err(LT_EXIT_FAIL, "lazytlb plot -o %s failed (exit %d)", a->dir, rc);
	return 0;
}

static void print_file(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
}

/* `whatif-check` of the two results, text and JSON into DIR, the text to stdout too */
static int whatif_check(struct ab *a, const char *ra, const char *rb)
{
	char *argv[40], out[2][PATH_MAX + 64], tok[8][128];
	const char *p = a->whatif;
	int n = 0, nt = 0, rc = 0;

	for (int j = 0; j < 2; j++) {
		n = 0;
		argv[n++] = a->self, argv[n++] = "whatif-check", argv[n++] = (char *)ra, argv[n++] = (char *)rb;
		vm_snprintf(out[j], sizeof(out[j]), "%s/whatif-check.%s", a->dir, j ? "json" : "txt");
		argv[n++] = "-o", argv[n++] = out[j];
		if (j)
			argv[n++] = "--json";
		for (p = a->whatif, nt = 0; *p && nt < 8;) {
			size_t l = strcspn(p, " \t");

			if (l) {
				vm_snprintf(tok[nt], sizeof(tok[nt]), "%.*s", (int)l, p);
				argv[n++] = "-w", argv[n++] = tok[nt++];
			}
			p += l + strspn(p + l, " \t");
		}
		argv[n] = NULL;
		pid_t pid = fork();

		if (pid == 0) {
			execv(a->self, argv);
			_exit(127);
		}
		rc = vm_wait_child(pid);
		if (rc != 0 && rc != 1) /* 1: a check disagrees, which the report says */
			return lt_err(LT_EXIT_FAIL, "lazytlb whatif-check %s %s failed (exit %d)", ra, rb, rc);
	}
	print_file(out[0]);
	return 0;
}

int vm_ab(int argc, char **argv)
{
	struct ab a = {};
	char res[2][PATH_MAX + 128];
	pid_t pid[2] = { -1, -1 };
	int rc[2];
	ssize_t n;

	if ((rc[0] = parse(argc, argv, &a)))
		return rc[0] < 0 ? LT_EXIT_OK : rc[0];
	n = readlink("/proc/self/exe", a.self, sizeof(a.self) - 1);
	if (n <= 0)
		return lt_err(LT_EXIT_FAIL, "/proc/self/exe: %s", strerror(errno));
	a.self[n] = '\0';
	if (a.outdir)
		vm_snprintf(a.dir, sizeof(a.dir), "%s", a.outdir);
	else
		vm_snprintf(a.dir, sizeof(a.dir), "out/vm/ab/%s-vs-%s/%s", a.k[0], a.k[1], a.scen);
	if (vm_mkdir_p(a.dir))
		return lt_err(LT_EXIT_FAIL, "%s: %s", a.dir, strerror(errno));
	for (int i = 0; i < 2; i++) {
		vm_snprintf(a.sub[i], sizeof(a.sub[i]), "%s/%c-%s", a.dir, 'a' + i, a.k[i]);
		vm_snprintf(res[i], sizeof(res[i]), "%s/%s.json", a.sub[i], a.scen);
		unlink(res[i]); /* never compare a result of an earlier A/B */
	}
	for (int i = 0; i < 2; i++) {
		pid[i] = start_run(&a, i);
		if (!a.parallel)
			rc[i] = vm_wait_child(pid[i]);
	}
	for (int i = 0; a.parallel && i < 2; i++)
		rc[i] = vm_wait_child(pid[i]);
	for (int i = 0; i < 2; i++)
		if (rc[i])
			return lt_err(LT_EXIT_FAIL, "%s %s: vm run failed (exit %d; %s/console.log)", a.k[i], a.scen,
				      rc[i], a.sub[i]);
	if ((rc[0] = compare_and_plot(&a, res[0], res[1])))
		return rc[0];
	if (a.whatif[0] && (rc[0] = whatif_check(&a, res[0], res[1])))
		return rc[0];
	printf("%s vs %s, %s: %s/compare.txt, %s/report.md\n", a.k[0], a.k[1], a.scen, a.dir, a.dir);
	return LT_EXIT_OK;
}
