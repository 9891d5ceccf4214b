// SPDX-License-Identifier: GPL-2.0
/* main.c - `lazytlb <command>`: dispatch to the subcommands of cli.h. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "lib/cli.h"

static const struct lt_command commands[] = {
	{ "record", "trace lazy-TLB activity for a duration or a command, write a result file", cmd_record },
	{ "top", "a live per-CPU view: IPIs by cause, wakeups, top senders", cmd_top },
	{ "probes", "list each hook and the probe variant chosen on this kernel", cmd_probes },
	{ "run", "run a scenario or suite: warmup, reps, the collector around each rep", cmd_run },
	{ "workload", "run one bench workload alone (no tracing)", cmd_workload },
	{ "report", "print the text summary of result files", cmd_report },
	{ "compare", "compare result files: change, significance, percentiles", cmd_compare },
	{ "plot", "plot result files (gnuplot SVG/PNG) and write a report", cmd_plot },
	{ "vm", "boot a kernel under qemu and run a scenario in it", cmd_vm },
	{ "schema", "the result schema's names: causes, states, flush reasons, filters", cmd_schema },
	{ "whatif-check", "a what-if's prediction against a kernel carrying the filter", cmd_whatif_check },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb <command> [options]   (lazytlb <command> --help for details)\n\n"
		   "Measures what Linux's lazy TLB scheme costs: lazy mm references, IPIs by cause and\n"
		   "target state, idle/nohz_full wakeups, and what-if counts for proposed filters.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nexamples:\n"
		   "  lazytlb record -d 5                 # trace the whole machine for 5 s\n"
		   "  lazytlb record -o r.json -- ./app   # trace for the life of ./app\n"
		   "  lazytlb run --suite default -o out/ # the default scenarios, one result file each\n"
		   "  lazytlb report out/exit-lazy.json   # the summary of a result file\n"
		   "  lazytlb compare base.json new.json  # did the patch change anything?\n");
}

/* The libbpf of the run (the shared library, or the one linked into a static binary) may
 * differ from the headers the build saw: both are printed. */
static void version(void)
{
	printf("lazytlb %s (git %s, %s)\n", LT_VERSION, LT_GIT, LT_ARCH);
	printf("libbpf %u.%u (built with %d.%d)\n", libbpf_major_version(), libbpf_minor_version(),
	       LIBBPF_MAJOR_VERSION, LIBBPF_MINOR_VERSION);
}

int main(int argc, char **argv)
{
	static char progbuf[64];

	if (argc < 2) {
		usage(stderr);
		return LT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LT_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		version();
		return LT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		snprintf(progbuf, sizeof(progbuf), "lazytlb %s", commands[i].name);
		lt_prog = progbuf;
		return commands[i].main(argc - 1, argv + 1);
	}
	return lt_err(LT_EXIT_USAGE, "unknown command '%s' (try 'lazytlb --help')", argv[1]);
}
