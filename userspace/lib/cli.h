/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what every subcommand shares: the command table, one error printer,
 * exit codes, and small parsers for common option values.
 */
#ifndef LT_CLI_H
#define LT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* exit codes, like perf/bpftool: 0 ok, 1 runtime failure, 2 usage or bad input; 3 (run):
 * every scenario that could run did and wrote its result, some could not on this kernel */
enum { LT_EXIT_OK = 0, LT_EXIT_FAIL = 1, LT_EXIT_USAGE = 2, LT_EXIT_SKIPPED = 3 };

struct lt_command {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
};

/* subcommands: each lives in its own userspace/cmd/cmd_<name>.c */
int cmd_record(int argc, char **argv);
int cmd_probes(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_workload(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_whatif_check(int argc, char **argv);
int cmd_top(int argc, char **argv);

extern const char *lt_prog; /* "lazytlb <cmd>", for messages */
extern bool lt_verbose;

/* "lazytlb record: <message>\n" on stderr; returns code so callers can `return lt_err(2, ...)` */
int lt_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strict number parsing: whole string, range-checked; false on error */
bool lt_parse_u64(const char *s, uint64_t *out);
bool lt_parse_double(const char *s, double *out);
/* "0-3,6" -> bitmap of up to nbits; false on syntax error or cpu >= nbits */
bool lt_parse_cpulist(const char *s, uint64_t *mask, unsigned int nbits);
/* A -C argument: a non-empty list of online CPUs (sysfs). 0, or -1 with one line in err. */
int lt_cpulist_arg(const char *s, uint64_t *mask, unsigned int nbits, char *err, size_t errlen);
/* A --btf argument: a readable file that libbpf parses as BTF (raw, or an ELF with .BTF).
 * 0, or -1 with one line in err. */
int lt_btf_file_arg(const char *path, char *err, size_t errlen);
/* 0, or an errno why FILE could not be created: its directory is missing or
 * not writable. Checked before a recording starts, not after it ends. */
int lt_output_writable(const char *file);
/* bitmap -> "0-3,6" into buf */
void lt_format_cpulist(const uint64_t *mask, unsigned int nbits, char *buf, size_t len);

#define LT_VERSION "0.1.0"

#endif
