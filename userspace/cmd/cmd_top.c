// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_top.c - `lazytlb top`: a live per-CPU view of who interrupts each CPU. The collector's
 * intervals (those of `record -I`) with the senders counted per interval; the screen is
 * analysis/top_view.c's, redrawn in place with plain ANSI escapes on a terminal, printed frame
 * after frame otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "lib/cli.h"
#include "lib/clock.h"
#include "lib/procfs.h"
#include "lib/signals.h"
#include "trace/collector.h"
#include "analysis/metrics.h"
#include "analysis/top_view.h"
#include "record_opts.h"

struct top_opts {
	struct collector_opts copts;
	double interval_s, duration_s; /* duration 0: until q or Ctrl-C */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytlb top [--target-cpus CPUS] [-I MS] [-d SECONDS]\n\n"
		"A live view of who interrupts each CPU, redrawn every interval: per CPU, the IPIs it\n"
		"received per second by the cause of their send (TLB flush, membarrier, resched, ...),\n"
		"/proc/interrupts' count of the same, the idle wakeups and nohz_full disturbances they\n"
		"caused; below, the tasks and kernel callsites sending the most IPI requests to those CPUs.\n"
		"q or Ctrl-C quits and detaches everything. When stdout is not a terminal, each frame is\n"
		"printed after the last (no escapes).\n\n"
		"      --target-cpus CPUS  watch these CPUs only (rows and senders), e.g. 3 or 2-5,8\n"
		"  -I, --interval MS       refresh every MS milliseconds (default 1000; 100 to 3600000)\n"
		"  -d, --duration SECONDS  quit after SECONDS (default: run until q or Ctrl-C)\n"
		"      --btf FILE          BTF for a kernel without /sys/kernel/btf/vmlinux\n"
		"  -v, --verbose           libbpf messages\n\n"
		"examples:\n"
		"  lazytlb top                          # every CPU, a frame a second\n"
		"  lazytlb top --target-cpus 3 -I 500   # who interrupts CPU 3, twice a second\n"
		"  lazytlb top -d 5 > frames.txt        # five frames as text\n");
}

/* 0 ok, -1 --help printed, else an exit code after a one-line error */
static int parse_opts(int argc, char **argv, struct top_opts *o)
{
	static const struct option longopts[] = {
		{ "target-cpus", required_argument, NULL, 'T' }, { "interval", required_argument, NULL, 'I' },
		{ "duration", required_argument, NULL, 'd' },    { "btf", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },           { "help", no_argument, NULL, 'h' },
		{}
	};
	double ms;
	int opt, rc;

	memset(o, 0, sizeof(*o));
	o->interval_s = 1;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "I:d:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'I':
			if (!lt_parse_double(optarg, &ms) || ms < 100 || ms > 3600e3)
				return lt_err(LT_EXIT_USAGE, "bad interval '%s' (milliseconds, 100 to 3600000)", optarg);
			o->interval_s = ms / 1e3;
			break;
		case 'd':
			if (!lt_parse_double(optarg, &o->duration_s) || o->duration_s <= 0 || o->duration_s > 86400)
				return lt_err(LT_EXIT_USAGE, "bad duration '%s' (seconds, > 0)", optarg);
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			if ((rc = collector_opt(opt, optarg, &o->copts)) >= 0)
				return rc ? rc : lt_err(LT_EXIT_USAGE, "unknown or incomplete option '%s' (try --help)",
							argv[optind - 1]);
		}
	}
	if (optind < argc)
		return lt_err(LT_EXIT_USAGE, "unexpected argument '%s' (try --help)", argv[optind]);
	return 0;
}

/* the terminal: raw keys (q without Enter; Ctrl-C still a signal), the alternate screen */
struct term {
	bool ansi, keys;
	struct termios saved;
};

static void term_enter(struct term *t)
{
	struct termios raw;

	t->ansi = isatty(STDOUT_FILENO);
	t->keys = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t->saved);
	if (t->keys) {
		raw = t->saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	if (t->ansi)
		fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);
	fflush(stdout);
}

static void term_leave(struct term *t)
{
	if (t->ansi)
		fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (t->keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
}

static void term_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* Wait until `until` (monotonic s) or a key; true when q was pressed */
static bool wait_key(struct term *t, double until)
{
	struct pollfd p = { .fd = t->keys ? STDIN_FILENO : -1, .events = POLLIN };
	double left;
	char buf[64];
	ssize_t n;

	while (!lt_stop_signal() && (left = until - lt_now_s()) > 0) {
		if (poll(&p, 1, (int)(left * 1e3) + 1) <= 0 || !(p.revents & POLLIN))
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n <= 0) { /* the terminal went away: no more keys */
			p.fd = -1;
			continue;
		}
		if (memchr(buf, 'q', (size_t)n) || memchr(buf, 'Q', (size_t)n))
			return true;
	}
	return false;
}

/* the screen's fixed facts: the kernel, the watched CPUs; mask and nohz from sysfs */
static void frame_init(struct top_frame *f, const struct top_opts *o, uint64_t *mask, uint64_t *nohz)
{
	char buf[4096];
	struct utsname u;

	uname(&u);
	snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
	read_line("/sys/devices/system/cpu/online", buf, sizeof(buf));
	if (o->copts.sender_cpus) {
		uint64_t online[LT_MAX_CPUS / 64] = {};

		lt_parse_cpulist(o->copts.sender_cpus, mask, LT_MAX_CPUS);
		if (lt_parse_cpulist(buf, online, LT_MAX_CPUS))
			for (int i = 0; i < LT_MAX_CPUS / 64; i++)
				mask[i] &= online[i];
	} else if (!lt_parse_cpulist(buf, mask, LT_MAX_CPUS)) {
		memset(mask, 0xff, LT_MAX_CPUS / 8);
	}
	lt_format_cpulist(mask, LT_MAX_CPUS, f->cpus, sizeof(f->cpus));
	read_line("/sys/devices/system/cpu/nohz_full", buf, sizeof(buf));
	if (!lt_parse_cpulist(buf, nohz, LT_MAX_CPUS)) /* "(null)": none */
		memset(nohz, 0, LT_MAX_CPUS / 8);
}

/* Frames until q, Ctrl-C or the duration; 0 or an exit code */
static int top_loop(struct collector *c, const struct top_opts *o, struct top_frame *f, const uint64_t *mask,
		    const uint64_t *nohz)
{
	struct term t = {};
	double t0 = lt_now_s(), next = t0 + o->interval_s;
	int rc = LT_EXIT_OK, rows, cols;

	term_enter(&t);
	if (t.ansi)
		printf("lazytlb top: the first figures in %.2g s (q quits)\033[K\n", o->interval_s);
	fflush(stdout);
	for (;;) {
		double end = o->duration_s > 0 && t0 + o->duration_s < next ? t0 + o->duration_s : next;
		struct lt_snapshot *snap;
		struct json *rep;

		if (wait_key(&t, end) || lt_stop_signal())
			break;
		snap = collector_interval(c);
		if (!snap) {
			rc = LT_EXIT_FAIL;
			break;
		}
		/* received IPIs and wakeups are counted on the receiving CPU: the per-CPU view */
		rep = metrics_rep_json(collector_info(c), snap);
		top_frame_fill(f, rep, snap->pc, collector_info(c)->nr_possible, mask, nohz);
		json_free(rep);
		lt_snapshot_free(snap);
		term_size(&rows, &cols);
		top_frame_print(stdout, f, rows, cols, t.ansi);
		if (o->duration_s > 0 && lt_now_s() - t0 >= o->duration_s - 1e-3)
			break;
		while (next <= lt_now_s()) /* a slow frame: skip, do not bunch up */
			next += o->interval_s;
	}
	term_leave(&t);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct top_frame *f;
	struct collector *c;
	uint64_t mask[LT_MAX_CPUS / 64] = {}, nohz[LT_MAX_CPUS / 64] = {};
	char err[512];
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? LT_EXIT_OK : rc;
	f = calloc(1, sizeof(*f));
	if (!f)
		return lt_err(LT_EXIT_FAIL, "out of memory");
	frame_init(f, &o, mask, nohz);
	if (!f->cpus[0]) {
		free(f);
		return lt_err(LT_EXIT_USAGE, "--target-cpus %s: none of these CPUs is online", o.copts.sender_cpus);
	}
	record_install_signals();
	o.copts.quiet = true;
	o.copts.interval_senders = true;
	c = collector_open(&o.copts, err, sizeof(err));
	if (!c) {
		free(f);
		return lt_err(LT_EXIT_FAIL, "%s", err);
	}
	if (collector_rep_begin(c)) {
		rc = lt_err(LT_EXIT_FAIL, "cannot read the BPF maps");
	} else {
		rc = top_loop(c, &o, f, mask, nohz);
		if (rc)
			lt_err(rc, "cannot read the BPF maps");
	}
	collector_close(c);
	free(f);
	return rc;
}
