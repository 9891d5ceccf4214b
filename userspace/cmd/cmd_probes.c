// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_probes.c - `lazytlb probes`: load and attach as `record` would, then list
 * each hook with the variant chosen on this kernel, or why none could be used; with
 * --cost, what each program cost per event while attached (the kernel's BPF stats).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/cli.h"
#include "trace/collector.h"
#include "analysis/metrics.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb probes [--json] [--btf FILE] [-v]\n"
		   "       lazytlb probes --cost [-d SECONDS] [--json] [--no-senders] [-- COMMAND ARGS...]\n\n"
		   "List every hook lazytlb uses, the variant attached on this kernel (tp_btf, raw_tp,\n"
		   "tracepoint, fentry, kprobe) and, for each variant not used, why; then how context\n"
		   "tracking and the target state guest are read.\n"
		   "With --cost: attach the programs (with the kernel's BPF run-time stats), wait SECONDS\n"
		   "(default 2) or run COMMAND, and print each program's events and ns per event.\n\n"
		   "examples:\n  lazytlb probes\n  lazytlb probes --json\n"
		   "  lazytlb probes --cost -- perf bench sched pipe -l 100000\n");
}

/* most expensive first; ties keep the object's order */
static void sort_by_time(struct lt_prog_cost *p, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct lt_prog_cost x = p[i];
		size_t j = i;

		for (; j > 0 && p[j - 1].run_time_ns < x.run_time_ns; j--)
			p[j] = p[j - 1];
		p[j] = x;
	}
}

/* Attached for secs or the command's life; then each program's cost, most expensive first */
static int probes_cost(struct collector *c, double secs, char **cmd, int ncmd, bool json)
{
	struct lt_overhead ov;
	int rc = LT_EXIT_OK;

	if (ncmd > 0) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execvp(cmd[0], cmd);
			fprintf(stderr, "lazytlb probes: cannot run '%s': %m\n", cmd[0]);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 127)
			rc = LT_EXIT_FAIL;
	} else {
		usleep((useconds_t)(secs * 1e6));
	}
	if (collector_overhead(c, &ov)) {
		collector_close(c);
		return lt_err(LT_EXIT_FAIL, "out of memory");
	}
	collector_close(c);
	if (!ov.stats_enabled) {
		rc = lt_err(LT_EXIT_FAIL, "the kernel's BPF stats could not be enabled: no costs");
	} else if (json) {
		struct json *o = metrics_overhead_json(&ov);

		json_write(stdout, o, true);
		json_free(o);
	} else {
		sort_by_time(ov.progs, ov.nr_progs);
		printf("%-40s %12s %10s %12s\n", "PROGRAM", "EVENTS", "NS/EVENT", "TOTAL MS");
		for (size_t i = 0; i < ov.nr_progs; i++) {
			const struct lt_prog_cost *p = &ov.progs[i];

			printf("%-40s %12llu %10.1f %12.3f\n", p->name, (unsigned long long)p->run_cnt,
			       p->run_cnt ? (double)p->run_time_ns / (double)p->run_cnt : 0.0, (double)p->run_time_ns / 1e6);
		}
	}
	free(ov.progs);
	return rc;
}

/* What is read by address rather than hooked, and how (docs/probes.md) */
static void print_reads(const char *ct, const char *ct_why, const char *guest)
{
	printf("\ncontext tracking: %s%s%s\n", ct ? ct : "unavailable", !ct && ct_why[0] ? ": " : "", !ct ? ct_why : "");
	printf("target state guest: %s\n", guest ? guest : "not read (no kvm_entry/kvm_exit tracepoints)");
}

int cmd_probes(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' }, { "btf", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
		{ "cost", no_argument, NULL, 'C' },     { "duration", required_argument, NULL, 'd' },
		{ "no-senders", no_argument, NULL, 'N' }, {}
	};
	double secs = 2;
	bool cost = false;
	struct collector_opts o = { .quiet = true, .stats = true }; /* --cost reads them */
	struct collector *c;
	struct json *probes;
	const char *guest, *ct;
	char ct_why[240];
	bool json = false;
	char err[512];
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+vhd:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'J': json = true; break;
		case 'C': cost = true; break;
		case 'N': o.no_senders = true; break; /* what counting by sender costs */
		case 'd':
			if (!lt_parse_double(optarg, &secs) || secs <= 0 || secs > 3600)
				return lt_err(LT_EXIT_USAGE, "bad duration '%s' (seconds, > 0)", optarg);
			break;
		case 'B':
			if (lt_btf_file_arg(optarg, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "%s", err);
			o.btf_custom_path = optarg;
			break;
		case 'v': lt_verbose = true; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default: return lt_err(LT_EXIT_USAGE, "unknown option '%s' (try --help)", argv[optind - 1]);
		}
	}
	if (optind < argc && !cost)
		return lt_err(LT_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	o.quiet = !lt_verbose;
	c = collector_open(&o, err, sizeof(err));
	if (!c)
		return lt_err(LT_EXIT_FAIL, "%s", err);
	if (cost)
		return probes_cost(c, secs, argv + optind, argc - optind, json);
	probes = collector_probes_json(c);
	guest = collector_guest_state_source(c);
	ct = collector_info(c)->ct_source;
	snprintf(ct_why, sizeof(ct_why), "%s", collector_info(c)->ct_why);
	collector_close(c);
	if (json) {
		json_write(stdout, probes, true);
	} else {
		printf("%-28s %-12s %-36s %s\n", "HOOK", "MODE", "TARGET", "NOT USED / UNAVAILABLE BECAUSE");
		for (size_t i = 0; i < json_len(probes); i++) {
			const struct json *p = json_at(probes, i), *v = json_get(p, "variants");
			bool first = true;

			printf("%-28s %-12s %-36s", json_as_string(json_get(p, "name")),
			       json_as_string(json_get(p, "mode")), json_as_string(json_get(p, "target")));
			for (size_t k = 0; k < json_len(v); k++) {
				const char *why = json_as_string(json_at(v, k));

				if (!strcmp(why, "attached"))
					continue;
				printf("%s%s: %s\n", first ? " " : "                                                                              ",
				       json_key_at(v, k), why);
				first = false;
			}
			if (first)
				printf("\n");
		}
		print_reads(ct, ct_why, guest);
	}
	json_free(probes);
	return LT_EXIT_OK;
}
