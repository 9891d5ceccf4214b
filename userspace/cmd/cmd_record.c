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
#include "lib/signals.h"
#include "lib/clock.h"
#include "lib/cli.h"
#include "lib/procfs.h"
#include "trace/collector.h"
#include "analysis/metrics.h"
#include "analysis/summary.h"
#include "analysis/interval.h"
#include "lib/hotplug.h"
#include "record_opts.h"

static void on_child(int sig)
{
	(void)sig;
}

void record_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_child };

	lt_on_stop_signals(NULL, NULL);
	/* a handler (no SA_RESTART) so that a child's exit ends record's sleep at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb record [-d SECONDS] [-I MS] [-C CPULIST] [-o FILE] [--json] [--whatif] [-- COMMAND ARGS...]\n\n"
		"Trace lazy-TLB activity on the running kernel for SECONDS or for the life of COMMAND,\n"
		"print a summary and write a result file (schema lazytlb-result/1).\n\n"
		"  -d, --duration SECONDS  record this long (default 5; with a COMMAND: until it exits)\n"
		"  -I, --interval MS       also print one line per MS milliseconds (IPIs/s by cause, idle and\n"
		"                          nohz_full wakeups, lazy switches, flushes); with --json one JSON\n"
		"                          object per line, then the result as the last line\n"
		"  -C, --cpus CPULIST      report only events counted on these CPUs (default: all online)\n"
		"  -o, --output FILE       result file (default lazytlb.json); written atomically\n"
		"      --json              print the result JSON on stdout instead of the summary\n"
		"      --whatif            evaluate the proposed IPI filters at every IPI send\n"
		"      --race-window NS    what-if race-exposure window (default 1000000 = 1 ms)\n"
		"      --btf FILE          BTF for a kernel without /sys/kernel/btf/vmlinux\n"
		"      --empty-programs    attach the same programs with empty bodies (overhead floor)\n"
		"      --stats             enable the kernel's BPF run-time stats: each program's events and\n"
		"                          ns/event in the result (costs two clock reads per event; off by\n"
		"                          default, --no-stats says so explicitly)\n"
		"      --target-cpus CPUS  senders: count only the IPIs sent to these CPUs (who wakes CPU 3?)\n"
		"      --stacks            senders: keep each sender's full kernel stack in the result\n"
		"      --no-senders        do not count IPIs by sender (task and kernel callsite)\n"
		"  -q, --quiet             no summary\n"
		"  -v, --verbose           libbpf messages; the summary lists every probe not attached\n\n"
		"examples:\n"
		"  lazytlb record -d 10                      # whole machine, 10 s\n"
		"  lazytlb record --whatif -o r.json -- lazytlb workload tlbflush -d 2\n"
		"  lazytlb record --json -d 1 | python3 -m json.tool\n"
		"  lazytlb record --target-cpus 3 -d 10         # who sends IPIs to CPU 3\n"
		"  lazytlb record -I 1000 -d 60                 # a line a second, like perf stat -I\n");
}

int collector_opt(int opt, const char *arg, struct collector_opts *c)
{
	uint64_t mask[LT_SYS_MAX_CPUS / 64];
	char err[512];

	switch (opt) {
	case 'T':
		if (lt_cpulist_arg(arg, mask, LT_SYS_MAX_CPUS, err, sizeof(err)))
			return lt_err(LT_EXIT_USAGE, "--target-cpus: %s", err);
		c->sender_cpus = arg;
		return -1;
	case 'B':
		if (lt_btf_file_arg(arg, err, sizeof(err)))
			return lt_err(LT_EXIT_USAGE, "%s", err);
		c->btf_custom_path = arg;
		return -1;
	case 'v':
		lt_verbose = true;
		return -1;
	}
	return 0;
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
		{ "stats", no_argument, NULL, 's' },
		{ "target-cpus", required_argument, NULL, 'T' }, { "stacks", no_argument, NULL, 'K' },
		{ "no-senders", no_argument, NULL, 'N' },     { "interval", required_argument, NULL, 'I' },
		{}
	};
	char err[512];
	int opt, rc;

	memset(ro, 0, sizeof(*ro));
	ro->duration_s = 5;
	ro->output = "lazytlb.json";
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+d:I:C:o:qvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (!lt_parse_double(optarg, &ro->duration_s) || ro->duration_s <= 0 || ro->duration_s > 86400)
				return lt_err(LT_EXIT_USAGE, "bad duration '%s' (seconds, > 0)", optarg);
			ro->duration_given = true;
			break;
		case 'I': {
			double ms;

			if (!lt_parse_double(optarg, &ms) || ms < 10 || ms > 3600e3)
				return lt_err(LT_EXIT_USAGE, "bad interval '%s' (milliseconds, 10 to 3600000)", optarg);
			ro->interval_s = ms / 1e3;
			break;
		}
		case 'C': {
			uint64_t mask[LT_SYS_MAX_CPUS / 64];

			if (lt_cpulist_arg(optarg, mask, LT_SYS_MAX_CPUS, err, sizeof(err)))
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
		case 'E':
			ro->copts.empty = true;
			break;
		case 'S':
			ro->copts.stats = false;
			break;
		case 's':
			ro->copts.stats = true;
			break;
		case 'K':
			ro->copts.stacks = true;
			break;
		case 'N':
			ro->copts.no_senders = true;
			break;
		case 'q':
			ro->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			if ((rc = collector_opt(opt, optarg, &ro->copts)) >= 0)
				return rc ? rc : lt_err(LT_EXIT_USAGE, "unknown or incomplete option '%s' (try --help)",
							argv[optind - 1]);
		}
	}
	ro->argv = argv + optind;
	ro->argc = argc - optind;
	return 0;
}

/* Start COMMAND; its pid, or -1 */
static pid_t start_command(char **argv)
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
	return pid;
}

/* Has the command ended (its status in *status)? Ctrl-C is passed on to it */
static bool command_done(pid_t pid, int *status)
{
	pid_t r = waitpid(pid, status, WNOHANG);

	if (lt_stop_signal())
		kill(pid, SIGINT); /* Ctrl-C: let the command stop, then report */
	return r == pid || (r < 0 && errno != EINTR);
}

/* One interval's line or JSON object */
static void interval_out(struct collector *c, const struct record_opts *ro, double t_s, bool *header)
{
	struct lt_snapshot *snap = collector_interval(c);
	struct json *rep, *iv;

	if (!snap)
		return;
	rep = metrics_rep_json(collector_info(c), snap);
	lt_snapshot_free(snap);
	iv = interval_json(rep, t_s);
	if (ro->json) {
		json_write(stdout, iv, false);
		fputc('\n', stdout);
		fflush(stdout);
	} else if (!ro->quiet) {
		if (!*header)
			interval_print_header(stdout);
		*header = true;
		interval_print(stdout, iv);
	}
	json_free(iv);
	json_free(rep);
}

/* Until the command exits (pid > 0) or the duration is over, or Ctrl-C; with -I a line per
 * interval; a progress line on a terminal otherwise. Sleeps until the next thing to do: the
 * command's exit interrupts the sleep (SIGCHLD), so the tracer adds no wakeups of its own
 * beyond one per interval (and five a second for the progress line). */
static void record_wait(struct collector *c, const struct record_opts *ro, pid_t pid, int *status)
{
	double t0 = lt_now_s(), next = ro->interval_s, now, wake;
	bool tty = isatty(STDERR_FILENO) && !ro->interval_s && pid <= 0, header = false;

	for (;;) {
		now = lt_now_s() - t0;
		if (pid > 0 ? command_done(pid, status) : (lt_stop_signal() || now >= ro->duration_s))
			break;
		if (ro->interval_s && now >= next) {
			interval_out(c, ro, now, &header);
			next += ro->interval_s;
			continue;
		}
		if (tty)
			fprintf(stderr, "\rrecording: %.0f/%.0f s (Ctrl-C stops early)  ", now, ro->duration_s);
		wake = ro->interval_s ? next - now : 3600;
		if (pid <= 0 && ro->duration_s - now < wake)
			wake = ro->duration_s - now;
		if (tty && wake > 0.2)
			wake = 0.2;
		if (pid > 0 && wake > 0.5) /* a child that exits before the sleep starts: late by 0.5 s */
			wake = 0.5;
		usleep((useconds_t)(wake > 0 ? wake * 1e6 : 0));
	}
	if (ro->interval_s) /* the part since the last line */
		interval_out(c, ro, lt_now_s() - t0, &header);
	if (tty)
		fprintf(stderr, "\r%60s\r", "");
}

/* What record ran: the command, or the whole system for the duration */
static struct json *record_scenario(const struct record_opts *ro, const char *cpus, double secs, int status)
{
	struct json *sc = json_object();

	json_set(sc, "name", json_string(ro->argc ? "record-command" : "record"));
	json_set(sc, "workload", json_string(ro->argc ? ro->argv[0] : "system"));
	json_set(sc, "params", json_object());
	json_set(sc, "cpus", json_string(cpus));
	json_set(sc, "duration_s", json_double(secs));
	json_set(sc, "warmup_s", json_u64(0));
	json_set(sc, "reps", json_u64(1));
	if (ro->argc) {
		struct json *cmd = json_set(sc, "command", json_array());

		for (int i = 0; i < ro->argc; i++)
			json_push(cmd, json_string(ro->argv[i]));
		json_set(sc, "exit_status", WIFEXITED(status) ? json_u64((uint64_t)WEXITSTATUS(status)) : json_null());
	}
	return sc;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts ro;
	struct collector *c;
	struct lt_snapshot *snap;
	static struct lt_header hdr; /* 17 KB */
	struct json *res, *rep, *sc, *wl, *hpj, *reps;
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
	t0 = lt_now_s();
	if (ro.argc > 0) {
		pid_t pid = start_command(ro.argv);

		if (pid < 0)
			rc = LT_EXIT_FAIL;
		else
			record_wait(c, &ro, pid, &status);
	} else {
		record_wait(c, &ro, 0, &status);
	}
	snap = collector_rep_end(c);
	hpj = hotplug_watch_stop(hp);
	if (!snap) {
		json_free(hpj);
		collector_close(c);
		return lt_err(LT_EXIT_FAIL, "cannot read the BPF maps");
	}
	rep = metrics_rep_json(collector_info(c), snap);
	metrics_scheme_evidence(collector_info(c), snap, &hdr.ev);
	lt_snapshot_free(snap);
	json_set(rep, "cpu_hotplug", hpj);
	/* `record` runs no workload of its own: its op count is not known */
	wl = json_set(rep, "workload", json_object());
	json_set(wl, "ops", json_null());
	json_set(wl, "ops_per_s", json_null());
	reps = json_array();
	json_push(reps, rep);
	metrics_header_read(&hdr);
	hdr.probes = collector_probes_json(c);
	collector_overhead(c, &hdr.overhead);
	sc = record_scenario(&ro, ro.copts.cpus ? ro.copts.cpus : hdr.host.online_cpus, lt_now_s() - t0, status);
	res = metrics_result_json(collector_info(c), &hdr, sc, reps);
	metrics_header_release(&hdr);
	collector_close(c); /* detach before printing: nothing stays attached */

	if (ro.json)
		json_write(stdout, res, !ro.interval_s); /* -I --json: one object per line, this the last */
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
