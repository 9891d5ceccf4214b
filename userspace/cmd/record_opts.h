/* SPDX-License-Identifier: GPL-2.0 */
/* record_opts.h - `record`'s options and signal handling, shared with `run`
 * so both stop cleanly on Ctrl-C and detach everything. */
#ifndef LT_RECORD_OPTS_H
#define LT_RECORD_OPTS_H

#include <stdbool.h>
#include "trace/collector.h"

struct record_opts {
	struct collector_opts copts;
	double duration_s;
	bool duration_given;
	const char *output;
	bool json, quiet;
	double interval_s;         /* -I: a line (or, with --json, an object) per interval; 0 none */
	char **argv; /* COMMAND after -- */
	int argc;
};

/* The collector's options that record, run and top share (--target-cpus, --btf, -v): -1 taken,
 * 0 not one of them, else an exit code after a one-line error */
int collector_opt(int opt, const char *arg, struct collector_opts *c);
/* 0 ok, -1 --help printed, else an exit code after a one-line error */
int record_parse_opts(int argc, char **argv, struct record_opts *ro);
/* the stop signals (lib/signals.h) set a flag instead of killing us, so we detach first; a
 * child's exit ends a sleep at once */
void record_install_signals(void);

#endif
