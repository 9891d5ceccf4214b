// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_record.c - `lazytlb record`: one rep of the collector around a duration
 * or a command; human summary or JSON; the result file written atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/cli.h"
#include "trace/collector.h"
#include "analysis/summary.h"
#include "lib/hotplug.h"
#include "record_opts.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void record_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool record_stop_requested(void)
{
	return stop_requested;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb record [-d SECONDS] [-C CPULIST] [-o FILE] [--json] [--whatif] [-- COMMAND ARGS...]\n\n"
		"Trace lazy-TLB activity on the running kernel for SECONDS or for the life of COMMAND,\n"
		"print a summary and write a result file (schema lazytlb-result/1).\n\n"
		"  -d, --duration SECONDS  record this long (default 5; with a COMMAND: until it exits)\n"
		"  -C, --cpus CPULIST      report only events counted on these CPUs (default: all online)\n"
		"  -o, --output FILE       result file (default lazytlb.json); written atomically\n"
		"      --json              print the result JSON on stdout instead of the summary\n"
		"      --whatif            evaluate the proposed IPI filters at every IPI send\n"
		"      --race-window NS    what-if race-exposure window (default 1000000 = 1 ms)\n"
		"      --btf FILE          BTF for a kernel without /sys/kernel/btf/vmlinux\n"
		"      --empty-programs    attach the same programs with empty bodies (overhead floor)\n"
		"      --no-stats          do not enable the kernel's BPF run-time stats (saves two clock\n"
		"                          reads per event; the result then has no per-program run times)\n"
		"      --target-cpus CPUS  senders: count only the IPIs sent to these CPUs (who wakes CPU 3?)\n"
		"      --stacks            senders: keep each sender's full kernel stack in the result\n"
		"      --no-senders        do not count IPIs by sender (task and kernel callsite)\n"
		"  -q, --quiet             no summary\n"
		"  -v, --verbose           libbpf messages\n\n"
		"examples:\n"
		"  lazytlb record -d 10                      # whole machine, 10 s\n"
		"  lazytlb record --whatif -o r.json -- lazytlb workload tlbflush -d 2\n"
		"  lazytlb record --json -d 1 | python3 -m json.tool\n"
		"  lazytlb record --target-cpus 3 -d 10         # who sends IPIs to CPU 3\n");
}

int record_parse_opts(int argc, char **argv, struct record_opts *ro)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' }, { "cpus", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },   { "json", no_argument, NULL, 'J' },
		{ "whatif", no_argument, NULL, 'W' },         { "race-window", required_argument, NULL, 'R' },
		{ "btf", required_argument, NULL, 'B' },      { "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },        { "help", no_argument, NULL, 'h' },
		{ "empty-programs", no_argument, NULL, 'E' }, { "no-stats", no_argument, NULL, 'S' },
		{ "target-cpus", required_argument, NULL, 'T' }, { "stacks", no_argument, NULL, 'K' },
		{ "no-senders", no_argument, NULL, 'N' },
		{}
	};
	char err[512];
	int opt;

	memset(ro, 0, sizeof(*ro));
	ro->duration_s = 5;
	ro->output = "lazytlb.json";
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+d:C:o:qvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (!lt_parse_double(optarg, &ro->duration_s) || ro->duration_s <= 0 || ro->duration_s > 86400)
				return lt_err(LT_EXIT_USAGE, "bad duration '%s' (seconds, > 0)", optarg);
			ro->duration_given = true;
			break;
		case 'C': {
			uint64_t mask[1024 / 64];

			if (lt_cpulist_arg(optarg, mask, 1024, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "%s", err);
			ro->copts.cpus = optarg;
			break;
		}
		case 'o':
			ro->output = optarg;
			break;
		case 'J':
			ro->json = true;
			break;
		case 'W':
			ro->copts.whatif = true;
			break;
		case 'R':
			if (!lt_parse_u64(optarg, &ro->copts.race_window_ns) || !ro->copts.race_window_ns)
				return lt_err(LT_EXIT_USAGE, "bad race window '%s' (nanoseconds, > 0)", optarg);
			break;
		case 'B':
			if (lt_btf_file_arg(optarg, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "%s", err);
			ro->copts.btf_custom_path = optarg;
			break;
		case 'E':
			ro->copts.empty = true;
			break;
		case 'S':
			ro->copts.no_stats = true;
			break;
		case 'T': {
			uint64_t mask[1024 / 64];

			if (lt_cpulist_arg(optarg, mask, 1024, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "--target-cpus: %s", err);
			ro->copts.sender_cpus = optarg;
			break;
		}
		case 'K':
			ro->copts.stacks = true;
			break;
		case 'N':
			ro->copts.no_senders = true;
			break;
		case 'q':
			ro->quiet = true;
			break;
		case 'v':
			lt_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return lt_err(LT_EXIT_USAGE, "unknown or incomplete option '%s' (try --help)", argv[optind - 1]);
		}
	}
	ro->argv = argv + optind;
	ro->argc = argc - optind;
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run COMMAND to completion (or until a signal); returns its wait status or -1 */
static int run_command(char **argv, int *status)
{
	pid_t pid = fork();

	if (pid < 0)
		return lt_err(-1, "fork: %s", strerror(errno));
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "lazytlb record: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(pid, status, 0);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return lt_err(-1, "waitpid: %s", strerror(errno));
		if (stop_requested)
			kill(pid, SIGINT); /* Ctrl-C: let the command stop, then report */
	}
}

static void wait_duration(double seconds)
{
	double t0 = mono_s(), left;
	bool tty = isatty(STDERR_FILENO);

	while (!stop_requested && (left = seconds - (mono_s() - t0)) > 0) {
		if (tty)
			fprintf(stderr, "\rrecording: %.0f/%.0f s (Ctrl-C stops early)  ", mono_s() - t0, seconds);
		usleep((useconds_t)(left > 0.2 ? 200000 : left * 1e6));
	}
	if (tty)
		fprintf(stderr, "\r%60s\r", "");
}

int cmd_record(int argc, char **argv)
{
	struct record_opts ro;
	struct collector *c;
	struct json *res, *rep, *sc, *wl, *hpj;
	struct hotplug_watch *hp;
	char err[512];
	int rc = LT_EXIT_OK, status = 0, werr;
	double t0;

	rc = record_parse_opts(argc, argv, &ro);
	if (rc)
		return rc < 0 ? LT_EXIT_OK : rc;
	if (ro.argc > 0 && ro.duration_given)
		lt_warn("-d is ignored with a COMMAND: recording lasts until it exits");
	/* fail now, not after the whole recording */
	if (ro.output && (werr = lt_output_writable(ro.output)))
		return lt_err(LT_EXIT_FAIL, "cannot write %s: %s", ro.output, strerror(werr));
	record_install_signals();
	ro.copts.quiet = ro.quiet;
	c = collector_open(&ro.copts, err, sizeof(err));
	if (!c)
		return lt_err(LT_EXIT_FAIL, "%s", err);
	collector_rep_begin(c);
	hp = hotplug_watch_start();
	t0 = mono_s();
	if (ro.argc > 0) {
		if (run_command(ro.argv, &status))
			rc = LT_EXIT_FAIL;
	} else {
		wait_duration(ro.duration_s);
	}
	rep = collector_rep_end(c);
	hpj = hotplug_watch_stop(hp);
	if (rep)
		json_set(rep, "cpu_hotplug", hpj);
	else
		json_free(hpj);
	if (!rep) {
		collector_close(c);
		return lt_err(LT_EXIT_FAIL, "cannot read the BPF maps");
	}
	res = collector_result_new(c);
	sc = json_set(res, "scenario", json_object());
	json_set(sc, "name", json_string(ro.argc ? "record-command" : "record"));
	json_set(sc, "workload", json_string(ro.argc ? ro.argv[0] : "system"));
	json_set(sc, "params", json_object());
	json_set(sc, "cpus", json_string(ro.copts.cpus ? ro.copts.cpus : json_as_string(json_path(res, "host.online_cpus"))));
	json_set(sc, "duration_s", json_double(mono_s() - t0));
	json_set(sc, "warmup_s", json_u64(0));
	json_set(sc, "reps", json_u64(1));
	if (ro.argc) {
		struct json *cmd = json_set(sc, "command", json_array());

		for (int i = 0; i < ro.argc; i++)
			json_push(cmd, json_string(ro.argv[i]));
		json_set(sc, "exit_status", WIFEXITED(status) ? json_u64((uint64_t)WEXITSTATUS(status)) : json_null());
	}
	/* `record` runs no workload of its own: its op count is not known */
	wl = json_set(rep, "workload", json_object());
	json_set(wl, "ops", json_null());
	json_set(wl, "ops_per_s", json_null());
	json_push((struct json *)json_get(res, "reps"), rep);
	collector_finalize(c, res);
	collector_close(c); /* detach before printing: nothing stays attached */

	if (ro.json)
		json_write(stdout, res, true);
	else if (!ro.quiet)
		summary_print(stdout, res);
	if (ro.output && (werr = json_write_file_atomic(ro.output, res))) {
		rc = lt_err(LT_EXIT_FAIL, "cannot write %s: %s", ro.output, strerror(-werr));
	} else if (!ro.json && !ro.quiet) {
		printf("\nresult written to %s\n", ro.output);
	}
	json_free(res);
	if (ro.argc && WIFEXITED(status) && WEXITSTATUS(status) == 127)
		rc = LT_EXIT_FAIL;
	return rc;
}
