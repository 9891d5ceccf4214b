// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_run.c - `lazytlb run SCENARIO... | --suite NAME`: for each scenario, a
 * warmup, then reps of the workload with the collector's rep begin/end around
 * the measured time (wl_hooks), one result file per scenario, and a summary
 * table at the end. The collector is loaded once for the whole run.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "result/reps.h"
#include "lib/signals.h"
#include "lib/clock.h"
#include "lib/cli.h"
#include "lib/procfs.h"
#include "trace/collector.h"
#include "analysis/metrics.h"
#include "bench/refcost.h"
#include "bench/scenario.h"
#include "bench/workload.h"

#define MAX_SCN SUITE_MAX

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb run SCENARIO... | --suite NAME  [-r REPS] [-d SECONDS] [-o DIR] [--no-whatif]\n\n"
		"Run scenarios (bench/scenarios, built in): a warmup, then REPS measured runs of the\n"
		"workload, each traced by the collector; one result file DIR/<scenario>.json each\n"
		"(schema lazytlb-result/1) and a summary table. What-if filters are evaluated.\n\n"
		"  -s, --suite NAME       run the scenarios of a suite (built-in: default)\n"
		"  -r, --reps N           override each scenario's reps\n"
		"  -d, --duration S       override each rep's duration, seconds\n"
		"  -w, --warmup S         override the warmup, seconds (0: none)\n"
		"  -o, --output DIR       where result files go (default results/)\n"
		"      --no-whatif        do not evaluate the what-if filters\n"
		"      --sweep KEY=A..B[:STEP]  run each scenario at every value of KEY (threads, or a\n"
		"                         workload param), then plot them: DIR/plots/report.md with the\n"
		"                         scaling plot (ctxsw pairs threads: threads=2..8:2)\n"
		"      --no-senders       do not count IPIs by sender (task and kernel callsite)\n"
		"      --stacks           keep each sender's full kernel stack in the results\n"
		"      --target-cpus CPUS  count senders of the IPIs to these CPUs only\n"
		"      --btf FILE         BTF for a kernel without /sys/kernel/btf/vmlinux\n"
		"  -l, --list             list built-in scenarios and suites\n"
		"  -q, --quiet            no progress line, no summary\n"
		"  -v, --verbose          libbpf messages\n\n"
		"A scenario this kernel cannot run (its workload's setup says what is missing, e.g.\n"
		"collapse without MADV_COLLAPSE, nohz-full-victim without nohz_full) is skipped: its\n"
		"result file says why (\"skipped\": {\"reason\"}), the others still run.\n"
		"exit status: 0 all ran, 3 some skipped (the rest ran), 1 a failure, 2 bad usage.\n\n"
		"examples:\n"
		"  lazytlb run --suite default -o results/\n"
		"  lazytlb run exit-lazy -r 5\n"
		"  lazytlb run ./my.scn -o /tmp/out\n");
}

struct run_state {
	struct collector *col;
	struct lt_snapshot *snap; /* the rep just measured */
	/* the facts read once; the scheme evidence over every rep of the run (the kernel's) */
	struct lt_header hdr;
	struct json *model;      /* atomic-cost measured once, for refcount_cost */
	bool progress;
	double t_start, total_s, done_s;
	const char *label;
};

static void hook_begin(void *arg)
{
	struct run_state *rs = arg;

	collector_rep_begin(rs->col);
}

static void hook_end(void *arg)
{
	struct run_state *rs = arg;

	rs->snap = collector_rep_end(rs->col);
}

static void progress(struct run_state *rs, const char *what)
{
	double el = lt_now_s() - rs->t_start, eta = rs->total_s - rs->done_s;

	if (!rs->progress)
		return;
	fprintf(stderr, "\r\033[K%s: %s  [%.0f s elapsed, ETA %.0f s]", rs->label, what, el, eta > 0 ? eta : 0);
}

static void summary_table(FILE *f, struct json **results, size_t n)
{
	static const struct { const char *head, *path; } cols[] = {
		{ "ops/s", "workload.ops" },
		{ "atomics/s", "metrics.lazy.refcount_atomics" },
		{ "atomic ns/s", NULL }, /* refcount_cost.est_cpu_ns_per_s */
		{ "IPIs/s", "metrics.ipi.sent" },
		{ "tlb IPI/s", "metrics.ipi.by_cause.tlb_flush" },
		{ "mb IPI/s", "metrics.ipi.by_cause.membarrier" },
		{ "lazy-shoot/s", "metrics.mmdrop.shoot_lazy_ipis" },
		{ "idle wake/s", "metrics.wakeups.idle_exits" },
	};
	fprintf(f, "\n%-22s %4s", "scenario", "reps");
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		fprintf(f, " %12s", cols[c].head);
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		if (!results[i])
			continue;
		char nm[96];
		const char *sw = json_as_string(json_path(results[i], "scenario.sweep"));

		snprintf(nm, sizeof(nm), "%s%s%s", json_as_string(json_path(results[i], "scenario.name")) ?: "?",
			 sw ? " " : "", sw ? sw : "");
		fprintf(f, "%-22s %4zu", nm,
			json_len(json_get(results[i], "reps")));
		if (json_get(results[i], "skipped")) {
			fprintf(f, "  skipped: %s\n", json_as_string(json_path(results[i], "skipped.reason")));
			continue;
		}
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			const struct json *est = json_path(results[i], "refcount_cost.est_cpu_ns_per_s");
			double r = cols[c].path ? reps_rate(results[i], cols[c].path)
						: est && json_is_number(est) ? json_as_double(est) : NAN;

			if (isnan(r))
				fprintf(f, " %12s", "n/a");
			else
				fprintf(f, " %12.1f", r);
		}
		fputc('\n', f);
	}
}

/* one scenario: warmup, reps, result document (NULL on failure, err set) */
static struct json *run_scenario(struct run_state *rs, const struct scenario *s, char *err, size_t errlen)
{
	struct wl_hooks hooks = { hook_begin, hook_end, rs };
	struct lt_header *h = &rs->hdr;
	struct json *res, *sc, *reps;
	struct wl_ctx *w;
	char what[128];

	w = wl_open(s->workload, s->cpus, s->threads, s->params, s->nparams, err, errlen);
	/* this kernel or machine cannot run it: a result that says why, no reps */
	h->skipped = !w && errno == ENOTSUP;
	if (!w && !h->skipped)
		return NULL;
	sc = scenario_to_json(s);
	reps = json_array();
	if (h->skipped) {
		snprintf(h->skip_reason, sizeof(h->skip_reason), "%s", err);
		goto done;
	}
	if (s->warmup_s > 0 && !lt_stop_signal()) {
		progress(rs, "warmup");
		if (wl_run(w, s->warmup_s, NULL)) {
			snprintf(err, errlen, "%s: warmup: %s", s->name, wl_error(w));
			goto fail;
		}
		rs->done_s += s->warmup_s;
	}
	for (unsigned int r = 0; r < s->reps && !lt_stop_signal(); r++) {
		struct json *rep, *wr, *wl;

		snprintf(what, sizeof(what), "rep %u/%u", r + 1, s->reps);
		progress(rs, what);
		rs->snap = NULL;
		if (wl_run(w, s->duration_s, &hooks) || !rs->snap) {
			snprintf(err, errlen, "%s: rep %u: %s", s->name, r + 1,
				 rs->snap ? wl_error(w) : "the collector could not read its maps");
			lt_snapshot_free(rs->snap);
			goto fail;
		}
		rep = metrics_rep_json(collector_info(rs->col), rs->snap);
		metrics_scheme_evidence(collector_info(rs->col), rs->snap, &h->ev);
		lt_snapshot_free(rs->snap);
		rs->snap = NULL;
		rs->done_s += s->duration_s;
		wr = wl_result(w);
		wl = json_set(rep, "workload", json_object());
		json_set(wl, "ops", json_u64(wl_ops(w)));
		json_set(wl, "ops_per_s", json_double(wl_duration_s(w) > 0 ? (double)wl_ops(w) / wl_duration_s(w) : 0));
		json_set(wl, "result", wr); /* the workload's own counters and extras */
		json_push(reps, rep);
	}
	wl_close(w);
	if (lt_stop_signal() && json_len(reps) < s->reps)
		json_set(sc, "interrupted", json_bool(true));
	collector_overhead(rs->col, &h->overhead);
done:
	h->probes = collector_probes_json(rs->col);
	res = metrics_result_json(collector_info(rs->col), h, sc, reps);
	metrics_header_release(h);
	if (!h->skipped)
		refcost_annotate(res, rs->model);
	return res;
fail:
	wl_close(w);
	json_free(sc);
	json_free(reps);
	return NULL;
}

/* The scenarios of the suite, then those named, at every point of the sweep if one is given:
 * all loaded and their params checked before anything runs. 0, or the exit code after saying
 * why. */
static int load_scenarios(const char *suite, char **names, int nnames, const char *sweep, struct scenario *scn,
			  size_t *n, char *err, size_t errlen)
{
	if (suite) {
		struct suite su;

		if (suite_load(suite, &su, err, errlen))
			return lt_err(LT_EXIT_USAGE, "%s", err);
		for (size_t i = 0; i < su.n && *n < MAX_SCN; i++)
			if (scenario_load(su.scenarios[i], &scn[(*n)++], err, errlen)) {
				suite_free(&su);
				return lt_err(LT_EXIT_USAGE, "%s", err);
			}
		suite_free(&su);
	}
	for (int i = 0; i < nnames && *n < MAX_SCN; i++)
		if (scenario_load(names[i], &scn[(*n)++], err, errlen))
			return lt_err(LT_EXIT_USAGE, "%s", err);
	if (sweep && scenario_sweep(scn, n, MAX_SCN, sweep, err, errlen))
		return lt_err(LT_EXIT_USAGE, "%s", err);
	for (size_t i = 0; i < *n; i++)
		if (wl_check_params(scn[i].workload, scn[i].params, scn[i].nparams, err, errlen))
			return lt_err(LT_EXIT_USAGE, "%s%s: %s", scn[i].name, scn[i].sweep[0] ? " --sweep" : "", err);
	return 0;
}

/* Run each scenario and write its result file as soon as it is complete */
static int run_all(struct run_state *rs, struct scenario *scn, size_t n, const char *outdir, bool quiet,
		   struct json **results, size_t *nskipped)
{
	int rc = LT_EXIT_OK;
	char err[512];

	for (size_t i = 0; i < n && !lt_stop_signal(); i++) {
		char label[128], base[128], path[4096];
		const struct json *skipped;
		int werr;

		snprintf(label, sizeof(label), "[%zu/%zu] %s", i + 1, n, scn[i].name);
		rs->label = label;
		results[i] = run_scenario(rs, &scn[i], err, sizeof(err));
		if (!results[i]) {
			if (rs->progress)
				fputc('\n', stderr);
			lt_err(0, "%s", err);
			rc = LT_EXIT_FAIL;
			continue;
		}
		scenario_file_name(&scn[i], base, sizeof(base));
		snprintf(path, sizeof(path), "%s/%s.json", outdir, base);
		skipped = json_get(results[i], "skipped");
		*nskipped += skipped != NULL;
		if ((werr = json_write_file_atomic(path, results[i]))) {
			rc = lt_err(LT_EXIT_FAIL, "cannot write %s: %s", path, strerror(-werr));
		} else if (!quiet) {
			if (rs->progress)
				fprintf(stderr, "\r\033[K");
			if (skipped)
				fprintf(stderr, "%s: skipped (%s) -> %s\n", scn[i].name,
					json_as_string(json_get(skipped, "reason")), path);
			else
				fprintf(stderr, "%s: %zu rep(s) -> %s\n", scn[i].name,
					json_len(json_get(results[i], "reps")), path);
		}
	}
	return rc;
}

/* After a sweep: `lazytlb plot -o DIR/plots` of its files (the scaling plot, a section each) */
static void sweep_plot(const char *outdir, const struct scenario *scn, size_t n, bool quiet)
{
	char dir[4096], (*paths)[4200] = calloc(n ? n : 1, sizeof(*paths));
	char **argv = calloc(n + 4, sizeof(*argv));
	int argc = 0;

	if (!paths || !argv)
		goto out;
	snprintf(dir, sizeof(dir), "%s/plots", outdir);
	argv[argc++] = (char *)"plot";
	argv[argc++] = (char *)"-o";
	argv[argc++] = dir;
	for (size_t i = 0; i < n; i++) {
		char base[128];

		scenario_file_name(&scn[i], base, sizeof(base));
		snprintf(paths[i], sizeof(paths[i]), "%s/%s.json", outdir, base);
		argv[argc++] = paths[i];
	}
	optind = 1;
	if (cmd_plot(argc, argv))
		lt_warn("the sweep's plots failed (its result files are complete)");
	else if (!quiet)
		fprintf(stderr, "sweep report: %s/report.md\n", dir);
out:
	free(paths);
	free(argv);
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "suite", required_argument, NULL, 's' },   { "reps", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' }, { "warmup", required_argument, NULL, 'w' },
		{ "output", required_argument, NULL, 'o' },  { "no-whatif", no_argument, NULL, 'N' },
		{ "btf", required_argument, NULL, 'B' },     { "list", no_argument, NULL, 'l' },
		{ "no-senders", no_argument, NULL, 'S' },    { "stacks", no_argument, NULL, 'K' },
		{ "target-cpus", required_argument, NULL, 'T' }, { "sweep", required_argument, NULL, 'W' },
		{ "quiet", no_argument, NULL, 'q' },         { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },          {}
	};
	struct collector_opts co = { .whatif = true };
	struct scenario scn[MAX_SCN];
	struct json *results[MAX_SCN] = {};
	struct run_state rs = {};
	const char *suite = NULL, *outdir = "results", *sweep = NULL;
	uint64_t reps = 0;
	double dur = 0, warm = -1;
	bool quiet = false;
	size_t n = 0, nskipped = 0;
	char err[512];
	int opt, rc = LT_EXIT_OK;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "s:r:d:w:o:lqvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': suite = optarg; break;
		case 'r':
			if (!lt_parse_u64(optarg, &reps) || !reps || reps > 1000)
				return lt_err(LT_EXIT_USAGE, "bad reps '%s' (1 to 1000)", optarg);
			break;
		case 'd':
			if (!lt_parse_double(optarg, &dur) || dur <= 0)
				return lt_err(LT_EXIT_USAGE, "bad duration '%s' (seconds, > 0)", optarg);
			break;
		case 'w':
			if (!lt_parse_double(optarg, &warm) || warm < 0)
				return lt_err(LT_EXIT_USAGE, "bad warmup '%s' (seconds, >= 0)", optarg);
			break;
		case 'o': outdir = optarg; break;
		case 'N': co.whatif = false; break;
		case 'S': co.no_senders = true; break;
		case 'W': sweep = optarg; break;
		case 'K': co.stacks = true; break;
		case 'T': {
			uint64_t mask[LT_SYS_MAX_CPUS / 64];

			if (lt_cpulist_arg(optarg, mask, LT_SYS_MAX_CPUS, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "--target-cpus: %s", err);
			co.sender_cpus = optarg;
			break;
		}
		case 'B':
			if (lt_btf_file_arg(optarg, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "%s", err);
			co.btf_custom_path = optarg;
			break;
		case 'l': scenario_list(stdout); return LT_EXIT_OK;
		case 'q': quiet = true; break;
		case 'v': lt_verbose = true; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default: return lt_err(LT_EXIT_USAGE, "unknown or incomplete option '%s' (try --help)", argv[optind - 1]);
		}
	}
	if (!suite && optind >= argc)
		return lt_err(LT_EXIT_USAGE, "no scenario given (lazytlb run --list shows them)");
	/* load everything first: a bad scenario fails before anything runs */
	if ((rc = load_scenarios(suite, argv + optind, argc - optind, sweep, scn, &n, err, sizeof(err))))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (reps)
			scn[i].reps = (unsigned int)reps;
		if (dur > 0)
			scn[i].duration_s = dur;
		if (warm >= 0)
			scn[i].warmup_s = warm;
		rs.total_s += scn[i].warmup_s + scn[i].duration_s * scn[i].reps;
	}
	if (mkdir(outdir, 0755) && errno != EEXIST)
		return lt_err(LT_EXIT_FAIL, "cannot create %s: %s", outdir, strerror(errno));

	lt_on_stop_signals(wl_interrupt, NULL);
	co.quiet = !lt_verbose;
	rs.col = collector_open(&co, err, sizeof(err));
	if (!rs.col)
		return lt_err(LT_EXIT_FAIL, "%s", err);
	metrics_header_read(&rs.hdr);
	rs.progress = !quiet && isatty(STDERR_FILENO);
	rs.t_start = lt_now_s();
	/* the refcount cost model: ns per atomic inc/dec vs CPUs sharing the line */
	rs.model = refcost_model_measure(0.3, err, sizeof(err));
	if (!rs.model)
		lt_warn("no atomic-cost model (%s): refcount_cost.model will be absent", err);
	rc = run_all(&rs, scn, n, outdir, quiet, results, &nskipped);
	collector_close(rs.col); /* detach before reporting */
	json_free(rs.model);
	if (rs.progress)
		fprintf(stderr, "\r\033[K");
	if (!quiet)
		summary_table(stdout, results, n);
	if (lt_stop_signal()) {
		lt_warn("interrupted: the result files written so far are complete");
		rc = rc ? rc : LT_EXIT_FAIL;
	}
	if (nskipped && !rc) {
		lt_warn("%zu of %zu scenario(s) skipped on this kernel (their result files say why)", nskipped, n);
		rc = LT_EXIT_SKIPPED;
	}
	if (sweep && !lt_stop_signal() && (rc == LT_EXIT_OK || rc == LT_EXIT_SKIPPED))
		sweep_plot(outdir, scn, n, quiet);
	for (size_t i = 0; i < n; i++) {
		json_free(results[i]);
		scenario_free(&scn[i]);
	}
	return rc;
}
