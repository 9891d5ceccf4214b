// SPDX-License-Identifier: GPL-2.0
/*
 * wl_kernel_ipis.c - IPIs about kernel addresses only, from the first CPU, known by
 * construction (what defer-to-kernel-entry would hold back):
 *  - text patching: a BPF program loaded, attached to a tracepoint nobody uses, detached and
 *    unloaded (what=bpf), or that tracepoint switched on and off in tracefs (what=tracefs):
 *    each flip of its static key rewrites kernel text and syncs every other online CPU (x86
 *    text_poke_sync -> on_each_cpu(do_sync_core), 5.10-7.2); loading also JITs and write-
 *    protects the program's image (set_memory_rox: kernel TLB flushes where it splits pages);
 *  - vmalloc churn: BPF array maps of 4 MiB (vmalloc'ed) created and closed; the vfree'd
 *    areas are purged lazily, past lazy_max_pages() (32 MiB x fls(online CPUs)), with one
 *    flush_tlb_kernel_range that IPIs every CPU (x86 do_kernel_range_flush/do_flush_tlb_all).
 * No module, no tool: the bpf(2) syscall (and tracefs to find a tracepoint nobody uses).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "workload.h"

enum { C_FLIPS, C_MAPS, C_PROGS };
enum { WHAT_BOTH, WHAT_BPF, WHAT_TRACEFS, WHAT_VMALLOC };

/* tracepoints that are off on a quiet system (the first one off is used) */
static const char *const unused_tps[] = { "sched/sched_process_hang", "signal/signal_deliver", "timer/timer_init",
					  "timer/timer_start" };

struct kipis {
	char enable[160]; /* the tracepoint's enable file, "" for none */
	const char *tp;   /* its name (raw tracepoint of what=bpf) */
};

static int set_enable(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY), rc;

	if (fd < 0)
		return -errno;
	rc = write(fd, v, 1) == 1 ? 0 : -errno;
	close(fd);
	return rc;
}

static int map_churn(void)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4096;
	a.max_entries = 1024;
	fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* load `return 0`, attach it to raw tracepoint tp (its static key goes on), detach and unload
 * (off): two text patches of every call site, as a BPF tool starting and stopping */
static int bpf_cycle(const char *tp)
{
	struct bpf_insn insns[2] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
				     { .code = BPF_JMP | BPF_EXIT } };
	union bpf_attr a;
	int prog, link;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"GPL";
	prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (prog < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (uint64_t)(uintptr_t)tp;
	a.raw_tracepoint.prog_fd = (uint32_t)prog;
	link = (int)syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a));
	if (link < 0) {
		int e = errno;

		close(prog);
		return -e;
	}
	close(link);
	close(prog);
	return 0;
}

static int kipis_setup(struct wl_ctx *c)
{
	struct kipis *s = c->priv;
	int what = wl_choice(c, "what");

	if (what != WHAT_VMALLOC) {
		for (size_t i = 0; i < sizeof(unused_tps) / sizeof(unused_tps[0]) && !s->enable[0]; i++) {
			char p[160], v[4] = "";
			FILE *f;

			snprintf(p, sizeof(p), "/sys/kernel/tracing/events/%s/enable", unused_tps[i]);
			f = fopen(p, "r");
			if (f && fgets(v, sizeof(v), f) && v[0] == '0') {
				snprintf(s->enable, sizeof(s->enable), "%s", p);
				s->tp = strchr(unused_tps[i], '/') + 1;
			}
			if (f)
				fclose(f);
		}
		if (!s->enable[0])
			return wl_fail(c, "no unused tracepoint to switch in /sys/kernel/tracing/events (tracefs, root)");
		if (what != WHAT_TRACEFS && bpf_cycle(s->tp))
			return wl_fail(c, "load and attach a BPF program to %s: %s (root needed)", s->tp, strerror(errno));
	}
	if ((what == WHAT_BOTH || what == WHAT_VMALLOC) && map_churn())
		return wl_fail(c, "bpf(BPF_MAP_CREATE) of a 4 MiB array: %s (root needed)", strerror(errno));
	return 0;
}

static void *kipis_loop(struct wl_thread *t)
{
	struct kipis *s = t->ctx->priv;
	int what = wl_choice(t->ctx, "what"), rc = 0;
	struct wl_pace pace;

	wl_pace_init(&pace, wl_u64(t->ctx, "rate"));
	while (!wl_stopped(t) && !rc) {
		if (what == WHAT_TRACEFS) {
			rc = set_enable(s->enable, "1");
			rc = rc ?: set_enable(s->enable, "0");
			t->cnt[C_FLIPS] += rc ? 0 : 2;
		} else if (what != WHAT_VMALLOC) {
			rc = bpf_cycle(s->tp);
			t->cnt[C_FLIPS] += rc ? 0 : 2;
			t->cnt[C_PROGS] += !rc;
		}
		if (!rc && (what == WHAT_BOTH || what == WHAT_VMALLOC)) {
			rc = map_churn();
			t->cnt[C_MAPS] += !rc;
		}
		if (rc) {
			wl_fail(t->ctx, "%s: %s", what == WHAT_VMALLOC ? "bpf map" : what == WHAT_TRACEFS ? s->enable : s->tp,
				strerror(-rc));
			break;
		}
		t->ops++;
		wl_pace_wait(&pace, t);
	}
	return NULL;
}

static int kipis_run(struct wl_ctx *c)
{
	return wl_go_leader(c, kipis_loop);
}

static void kipis_report(struct wl_ctx *c, struct json *res)
{
	struct kipis *s = c->priv;

	json_set(res, "tracepoint", s->enable[0] ? json_string(s->enable) : json_null());
}

static void kipis_cleanup(struct wl_ctx *c)
{
	struct kipis *s = c->priv;

	if (s->enable[0] && wl_choice(c, "what") == WHAT_TRACEFS)
		set_enable(s->enable, "0");
}

static unsigned int kipis_threads(unsigned int nr_cpus)
{
	return 1; /* the IPIs go to every online CPU whatever runs there */
}

static const struct wl_param_desc kipis_params[] = {
	{ "what", WL_P_ENUM, "both", "both|bpf|tracefs|vmalloc",
	  "text patching by a BPF program loaded, attached, detached, unloaded (bpf) or a tracepoint "
	  "switched in tracefs (tracefs); vmalloc churn (4 MiB BPF maps); both: bpf + vmalloc" },
	WL_PARAMS_OTHERS("sleep"),
	WL_PARAM_RATE,
	{ NULL },
};

static const char *const kipis_counters[] = { "static_key_flips", "maps_freed", "bpf_programs", NULL };

const struct workload wl_kernel_ipis = {
	.name = "kernel-ipis",
	.summary = "IPIs about kernel addresses: text patching and vmalloc churn from the first CPU",
	.ops_unit = "iterations (a tracepoint's key on and off, a 4 MiB map created and freed)",
	.threads_help = "the acting thread (first CPU) plus threads-1 others on the next CPUs round-robin "
			"(default: 1)",
	.params = kipis_params,
	.counters = kipis_counters,
	.priv_size = sizeof(struct kipis),
	.default_threads = kipis_threads,
	.setup = kipis_setup,
	.run = kipis_run,
	.report = kipis_report,
	.cleanup = kipis_cleanup,
};
