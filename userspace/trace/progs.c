// SPDX-License-Identifier: GPL-2.0
/* progs.c - see progs.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "probes.h"
#include "progs.h"

/* Which hook/mode does a program name belong to ("<hook>[_exit]__<mode>")? */
bool prog_hook_mode(const char *prog, int *hook, int *mode)
{
	const char *sep = strstr(prog, "__");
	size_t hl;

	if (!sep)
		return false;
	hl = (size_t)(sep - prog);
	for (int m = 0; m < M_NR_MODES; m++) {
		if (strcmp(sep + 2, lt_mode_names[m]))
			continue;
		for (int h = 0; h < H_NR_HOOKS; h++) {
			size_t n = strlen(lt_hook_names[h]);

			if (!strncmp(prog, lt_hook_names[h], n) &&
			    (hl == n || (lt_hooks[h].has_exit && hl == n + 5 && !strncmp(prog + n, "_exit", 5)))) {
				*hook = h;
				*mode = m;
				return true;
			}
		}
	}
	return false;
}

/* Each autoloaded program gets a verifier log buffer of its own. libbpf loads programs in order
 * and stops at the first that fails, retrying only that one with a log: after a failed load, the
 * program whose buffer is not empty is the one that failed, whatever libbpf printed. */
#define LT_VLOG_SIZE (64 << 10)

char *vlog_bufs(struct bpf_object *obj)
{
	struct bpf_program *prog;
	size_t n = 0;
	char *bufs;

	bpf_object__for_each_program(prog, obj)
		n++;
	bufs = calloc(n ? n : 1, LT_VLOG_SIZE); /* pages untouched unless a verifier writes */
	n = 0;
	bpf_object__for_each_program(prog, obj)
		if (bufs && bpf_program__autoload(prog))
			bpf_program__set_log_buf(prog, bufs + LT_VLOG_SIZE * n++, LT_VLOG_SIZE);
	return bufs;
}

/* After a failed load: the program whose log was written, and the log's last line (the
 * verifier's verdict) for the person reading `lazytlb probes` */
struct bpf_program *failing_prog(struct bpf_object *obj, char *msg, size_t mlen)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		size_t sz;
		const char *log = bpf_program__log_buf(prog, &sz), *end, *line;

		if (!bpf_program__autoload(prog) || !log || !log[0])
			continue;
		end = log + strnlen(log, sz);
		/* the verdict is the last line before the statistics ("processed N insns", ...) */
		do {
			while (end > log && (end[-1] == '\n' || end[-1] == ' '))
				end--;
			for (line = end; line > log && line[-1] != '\n'; line--)
				;
		} while (line > log && (!strncmp(line, "processed ", 10) || !strncmp(line, "verification time", 17) ||
					!strncmp(line, "stack depth", 11)) && (end = line));
		snprintf(msg, mlen, "%.*s", (int)(end - line), line);
		return prog;
	}
	return NULL;
}
