// SPDX-License-Identifier: GPL-2.0
/* cmd_workload.c - `lazytlb workload NAME`: run one bench workload alone, no tracing. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "lib/signals.h"
#include "lib/cli.h"
#include "bench/scenario.h"
#include "bench/workload.h"

static void list(FILE *f)
{
	fprintf(f, "workloads:\n");
	workload_list(f);
	fprintf(f, "\nbuilt-in scenarios (bench/scenarios):\n");
	scenario_list(f);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb workload NAME [-d SECONDS] [-C CPULIST] [-t THREADS] [-p KEY=VALUE]...\n"
		   "                        [--with NAME] [--json]\n"
		   "       lazytlb workload -s SCENARIO [options]   (a scenario's workload, params, CPUs,\n"
		   "                                              threads and duration, once; options override)\n"
		   "       lazytlb workload --list\n"
		   "       lazytlb workload NAME --help      (its params and counters)\n\n"
		   "Runs one workload without tracing and prints what it counted.\n"
		   "  -d, --duration SECONDS  how long to run (default 5; Ctrl-C stops early and still reports)\n"
		   "  -C, --cpus CPULIST      CPUs to pin the threads to, e.g. 0-3,6 (default: all allowed)\n"
		   "  -t, --threads N         threads (meaning per workload; default per workload)\n"
		   "  -p, --param KEY=VALUE   a workload param (repeatable)\n"
		   "      --with NAME         nohz-victim: run NAME on the other CPUs (= -p with=NAME)\n"
		   "  -j, --json              print the result object as JSON instead of a summary\n"
		   "  -s, --scenario NAME     a built-in scenario or a .scn file (bench/scenarios/README.md)\n"
		   "  -l, --list              list the workloads and the built-in scenarios\n\n");
	list(f);
}

/* The result when there is none to give: what failed, for --json readers. */
static void print_error_json(const char *name, const char *msg)
{
	struct json *o = json_object();

	json_set(o, "workload", json_string(name));
	json_set(o, "error", json_string(msg));
	json_write(stdout, o, true);
	json_free(o);
}

/* Open, run and report one workload: the exit code. */
static int run(const char *name, const char *cpus, unsigned int threads, char **params, size_t nparams,
	       double duration, bool json)
{
	struct wl_ctx *c;
	char err[512];
	int rc;

	c = wl_open(name, cpus, threads, params, nparams, err, sizeof(err));
	if (!c) {
		rc = errno == EINVAL ? LT_EXIT_USAGE : LT_EXIT_FAIL;
		if (json && rc == LT_EXIT_FAIL)
			print_error_json(name, err);
		return lt_err(rc, "%s", err);
	}
	lt_on_stop_signals(wl_interrupt, NULL);

	if (wl_run(c, duration, NULL)) {
		snprintf(err, sizeof(err), "%s: %s", name, wl_error(c));
		if (json)
			print_error_json(name, err);
		wl_close(c);
		return lt_err(LT_EXIT_FAIL, "%s", err);
	}
	if (json) {
		struct json *r = wl_result(c);

		json_write(stdout, r, true);
		json_free(r);
	} else {
		wl_print(c, stdout);
	}
	wl_close(c);
	return LT_EXIT_OK;
}

int cmd_workload(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' }, { "cpus", required_argument, NULL, 'C' },
		{ "threads", required_argument, NULL, 't' },  { "param", required_argument, NULL, 'p' },
		{ "with", required_argument, NULL, 'W' },     { "json", no_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' },           { "help", no_argument, NULL, 'h' },
		{ "scenario", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	char *params[SCN_MAX_PARAMS + WL_MAX_PARAMS * 2 + 1];
	static char withbuf[128];
	size_t nparams = 0;
	const char *cpus = NULL, *name, *scn = NULL;
	double duration = 0;
	uint64_t threads = 0;
	bool json = false, help = false;
	struct scenario s = { 0 };
	char err[512];
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:C:t:p:s:jlh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (!lt_parse_double(optarg, &duration) || duration <= 0 || duration > 1e6)
				return lt_err(LT_EXIT_USAGE, "bad duration '%s' (seconds, > 0)", optarg);
			break;
		case 'C':
			cpus = optarg;
			break;
		case 't':
			if (!lt_parse_u64(optarg, &threads) || !threads || threads > WL_MAX_THREADS)
				return lt_err(LT_EXIT_USAGE, "bad thread count '%s'", optarg);
			break;
		case 'p':
		case 'W':
			if (nparams == WL_MAX_PARAMS * 2)
				return lt_err(LT_EXIT_USAGE, "too many params");
			if (opt == 'W') {
				snprintf(withbuf, sizeof(withbuf), "with=%s", optarg);
				params[nparams++] = withbuf;
			} else {
				params[nparams++] = optarg;
			}
			break;
		case 's':
			scn = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'l':
			list(stdout);
			return LT_EXIT_OK;
		case 'h':
			help = true;
			break;
		case ':':
			return lt_err(LT_EXIT_USAGE, "option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return lt_err(LT_EXIT_USAGE, "unknown option '-%c' (lazytlb workload --help)", optopt);
			return lt_err(LT_EXIT_USAGE, "unknown option '%s' (lazytlb workload --help)", argv[optind - 1]);
		}
	}
	if (scn) {
		if (optind < argc)
			return lt_err(LT_EXIT_USAGE, "give a workload NAME or -s SCENARIO, not both");
		if (scenario_load(scn, &s, err, sizeof(err)))
			return lt_err(LT_EXIT_USAGE, "%s", err);
		/* the scenario's params first: -p given here come later and win */
		memmove(params + s.nparams, params, nparams * sizeof(params[0]));
		memcpy(params, s.params, s.nparams * sizeof(params[0]));
		nparams += s.nparams;
		cpus = cpus ? cpus : s.cpus;
		threads = threads ? threads : s.threads;
		duration = duration ? duration : s.duration_s;
		name = s.workload;
	} else if (optind < argc) {
		name = argv[optind++];
	} else if (help) {
		usage(stdout);
		return LT_EXIT_OK;
	} else {
		usage(stderr);
		return LT_EXIT_USAGE;
	}
	if (optind < argc) {
		rc = lt_err(LT_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!workload_find(name)) {
		rc = lt_err(LT_EXIT_USAGE, "unknown workload '%s' (lazytlb workload --list)", name);
		goto out;
	}
	if (help) {
		workload_help(stdout, workload_find(name));
		rc = LT_EXIT_OK;
		goto out;
	}
	rc = run(name, cpus, (unsigned int)threads, params, nparams, duration ? duration : 5, json);
out:
	scenario_free(&s);
	return rc;
}
