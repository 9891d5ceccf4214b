/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progs.h - the BPF object's programs as hooks and variants: a program is named
 * <hook>[_exit]__<mode> (bpf/lazytlb.bpf.c), and after a failed load the program that failed
 * is found from its own verifier log buffer, never from libbpf's messages.
 */
#ifndef LT_PROGS_H
#define LT_PROGS_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;
struct bpf_program;

/* Which hook/mode does a program name belong to ("<hook>[_exit]__<mode>")? */
bool prog_hook_mode(const char *prog, int *hook, int *mode);
/* Give every autoloaded program a log buffer of its own; free() the result after the load */
char *vlog_bufs(struct bpf_object *obj);
/* After a failed load: the program that failed, and its verifier verdict line in msg */
struct bpf_program *failing_prog(struct bpf_object *obj, char *msg, size_t mlen);

#endif
