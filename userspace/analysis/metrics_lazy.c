// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_lazy.c - the lazy mm side of the result: which scheme the kernel runs (and how that
 * was found), the context switches, and the lazy mm references taken and dropped on every path
 * with what they cost in atomics (metrics.lazy).
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "lib/cli.h"
#include "metrics_int.h"
#include "result/names.h"

/*
 * The scheme a kernel runs, from its hand-backs (a kthread switching back to the user mm it
 * borrowed): refcount kernels took a reference when the CPU went lazy, so mm_count rose by one
 * since (plus1); shootdown kernels did not (zero). Another CPU grabbing or dropping the
 * same mm in between flips a single sample (1 of 4 hand-backs in a 0.2 s record on this refcount
 * host), so name a scheme only from EVIDENCE_MIN samples with a 3:1 majority; NULL otherwise.
 */
#define EVIDENCE_MIN 16
static const char *evidence_scheme(const struct lt_scheme_evidence *ev)
{
	if (ev->plus1 + ev->zero < EVIDENCE_MIN)
		return NULL;
	if (ev->plus1 >= 3 * ev->zero)
		return "refcount";
	if (ev->zero >= 3 * ev->plus1)
		return "shootdown";
	return NULL;
}

/* Is the running kernel older than MAJ.MIN (uname release)? */
static bool kernel_before(int maj, int min)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return false;
	return a < maj || (a == maj && b < min);
}

/*
 * "refcount" | "shootdown", and where that came from (kernel.scheme_source):
 *  config          CONFIG_MMU_LAZY_TLB_SHOOTDOWN / _REFCOUNT (6.4+, /proc/config.gz or /boot)
 *  kernel_version  before 6.4 every kernel is refcount: the options and the shootdown code
 *                  (kernel/fork.c cleanup_lazy_tlbs, mm: "lazy tlb shootdown", 6.4) came together
 *  kallsyms        no config: do_shoot_lazy_tlb is in the kernel only when SHOOTDOWN is set
 *                  (with REFCOUNT cleanup_lazy_tlbs returns first and the static callback is
 *                  dropped: absent on Debian's amd64 6.12 and 7.2, present on ppc64el 6.12, 7.2)
 * The hand-back evidence is only a cross-check (metrics_scheme_observed warns).
 */
const char *metrics_scheme(const struct lt_trace_info *c, const char **source)
{
	*source = "config";
	if (!strcmp(kconfig_get(c->kconfig, "CONFIG_MMU_LAZY_TLB_SHOOTDOWN"), "y"))
		return "shootdown";
	if (!strcmp(kconfig_get(c->kconfig, "CONFIG_MMU_LAZY_TLB_REFCOUNT"), "y"))
		return "refcount";
	*source = "kernel_version";
	if (kernel_before(6, 4))
		return "refcount";
	*source = "kallsyms";
	return c->shoot_lazy_ksym ? "shootdown" : "refcount";
}

void metrics_scheme_evidence(const struct lt_trace_info *c, const struct lt_snapshot *s,
			     struct lt_scheme_evidence *ev)
{
	const struct lt_counters *pc = s->pc;

	/* the hand-backs are seen at context switches: metrics.lazy is null without them */
	if (!c->hook_ok[H_SCHED_SWITCH])
		return;
	ev->plus1 += SUM(handback_delta_plus1);
	ev->zero += SUM(handback_delta_zero);
}

const char *metrics_scheme_observed(const struct lt_trace_info *c, const struct lt_scheme_evidence *ev)
{
	const char *src, *sch = metrics_scheme(c, &src), *obs = evidence_scheme(ev);

	if (obs && sch && strcmp(obs, sch))
		lt_warn("the kernel is %s (%s) but mm_count at lazy hand-back looks like %s", sch, src, obs);
	return obs ? obs : "unknown";
}

struct json *metrics_switch_json(const struct lt_trace_info *c, const struct lt_counters *pc, bool ok)
{
	struct json *o;

	if (!ok)
		return json_null();
	o = json_object();
	json_set(o, "user_to_user", json_u64(SUM(sw_user_to_user)));
	json_set(o, "user_to_kthread", json_u64(SUM(sw_user_to_kthread)));
	json_set(o, "kthread_to_user", json_u64(SUM(sw_kthread_to_user)));
	json_set(o, "kthread_to_kthread", json_u64(SUM(sw_kthread_to_kthread)));
	json_set(o, "to_idle", json_u64(SUM(sw_to_idle)));
	json_set(o, "from_idle", json_u64(SUM(sw_from_idle)));
	return o;
}

struct json *metrics_lazy_json(const struct lt_trace_info *c, const struct lt_counters *pc, const struct lt_hist *hs, bool ok)
{
	struct json *o, *hb;
	const char *src, *sch;
	__u64 grabs, drops, exits, efl, execs, hpg, hpd, use, same, swaps, all_g, all_d;
	bool um = c->hook_ok[H_USE_MM] && c->hook_ok[H_UNUSE_MM], always;
	bool hp = c->hook_ok[H_CPUHP] && c->hp_known;

	if (!ok)
		return json_null();
	sch = metrics_scheme(c, &src);
	grabs = SUM(lazy_grabs);
	drops = SUM(lazy_drops);
	exits = c->hook_ok[H_PROCESS_EXIT] ? SUM(lazy_exit_grabs) : 0;
	efl = c->hook_ok[H_EXIT_FLUSH_LAZY] ? SUM(exit_flush_lazy_switches) : 0;
	execs = c->hook_ok[H_EXEC_LAZY] ? SUM(lazy_exec_drops) : 0;
	hpg = hp ? SUM(lazy_hotplug_grabs) : 0;
	hpd = hp ? SUM(lazy_hotplug_drops) : 0;
	use = um ? SUM(lazy_use_mm) : 0;
	same = um ? SUM(lazy_use_mm_same) : 0;
	/* kthread_use_mm grabs the new mm and drops the old active_mm on every call from 6.4 on
	 * (mmgrab + mmdrop_lazy_tlb, "kthread: simplify kthread_use_mm refcounting", with the lazy
	 * tlb options); before, only when they differ (5.10, 6.1 kernel/kthread.c). The scheme's
	 * source says which side of 6.4 this kernel is: the release decides only before it. */
	always = strcmp(src, "kernel_version") != 0;
	swaps = always ? use : use - same;
	o = json_object();
	json_set(o, "grabs", json_u64(grabs));
	json_set(o, "drops", json_u64(drops));
	json_set(o, "exit_grabs", num_or_null(c->hook_ok[H_PROCESS_EXIT], exits));
	/* powerpc: lazy CPUs moved to init_mm by exit_flush_lazy_tlbs' IPI (a grab and a drop) */
	json_set(o, "exit_flush_switches", num_or_null(c->hook_ok[H_EXIT_FLUSH_LAZY], efl));
	/* a user-mode helper's exec drops the lazy mm it ran on (needs fentry or kprobes) */
	json_set(o, "exec_drops", num_or_null(c->hook_ok[H_EXEC_LAZY], execs));
	/* CPU hotplug: init_mm taken by an onlined CPU, the lazy mm or init_mm dropped for an
	 * offlined one (bpf on_cpuhp) */
	json_set(o, "hotplug_grabs", num_or_null(hp, hpg));
	json_set(o, "hotplug_drops", num_or_null(hp, hpd));
	/* kthread_use_mm: a grab of the adopted mm and a drop of the old active_mm, on the calls
	 * `use_mm_swaps` counts (each one from 6.4 on; before, those with active_mm != mm) */
	json_set(o, "use_mm", num_or_null(um, use));
	json_set(o, "use_mm_same_mm", num_or_null(um, same));
	json_set(o, "use_mm_swaps", num_or_null(um, swaps));
	json_set(o, "use_mm_source", !um ? json_null()
				     : json_string(!always ? "kernel_version: when active_mm != mm (before 6.4)"
					 : strcmp(src, "config") ? "kernel_version: always (6.4+)"
								    : "config: always (6.4+)"));
	json_set(o, "unuse_mm", num_or_null(um, um ? SUM(lazy_unuse_mm) : 0));
	json_set(o, "hotplug_source", !hp ? json_null()
				    : json_string(c->hp_wait_empty ? "finish_cpu, sched_cpu_wait_empty (no idle_task_exit)"
								: "finish_cpu (idle_task_exit)"));
	/* Every lazy reference taken and given back, whatever the site (6.12: kernel/sched/core.c
	 * context_switch mmgrab_lazy_tlb / finish_task_switch mmdrop_lazy_tlb_sched, kernel/exit.c
	 * exit_mm mmgrab_lazy_tlb, powerpc radix_tlb.c exit_lazy_flush_tlb grab of init_mm + drop
	 * of mm (in the exit-flush IPI only: bpf/functions.bpf.h), fs/exec.c exec_mmap
	 * mmdrop_lazy_tlb, kernel/cpu.c finish_cpu mmdrop_lazy_tlb, kernel/kthread.c kthread_use_mm mmdrop_lazy_tlb of the old active_mm and
	 * kthread_unuse_mm mmgrab_lazy_tlb, counted as one of each per swap). Each is one atomic on
	 * mm_count on a refcount kernel and none on a shootdown kernel (include/linux/sched/mm.h
	 * 6.12: mmgrab_lazy_tlb and mmdrop_lazy_tlb call mmgrab/mmdrop only with
	 * MMU_LAZY_TLB_REFCOUNT; before 6.4 they were plain mmgrab/mmdrop), so refcount_atomics
	 * is their sum. grabs_all - drops_all is the change in references held (at most one per
	 * CPU plus exiting tasks between exit_mm and their last switch): a missed site shows as an
	 * imbalance that grows with the ops, unless it grabs and drops together (powerpc's
	 * exit_lazy_flush_tlb outside the IPI: two atomics each, not counted). */
	all_g = grabs + exits + efl + hpg + swaps;
	all_d = drops + efl + execs + hpd + swaps;
	json_set(o, "grabs_all", json_u64(all_g));
	json_set(o, "drops_all", json_u64(all_d));
	json_set(o, "refcount_atomics", !sch ? json_null() : json_u64(strcmp(sch, "refcount") ? 0 : all_g + all_d));
	json_set(o, "sharing", hist_json_sel(c, hs, LT_H_SHARING, "cpus", true));
	json_set(o, "sharing_sample_period", json_u64(LT_SHARING_MIN_PERIOD * ((c->nr_cpu_ids + 63) / 64)));
	hb = json_set(o, "handback", json_object());
	json_set(hb, "same_mm", json_u64(SUM(handback_same_mm)));
	json_set(hb, "mm_count_ge2", json_u64(SUM(handback_count_ge2)));
	json_set(hb, "mm_count_le1", json_u64(SUM(handback_count_le1)));
	json_set(hb, "delta_plus1", json_u64(SUM(handback_delta_plus1)));
	json_set(hb, "delta_zero", json_u64(SUM(handback_delta_zero)));
	json_set(hb, "mm_count", hist_json_sel(c, hs, LT_H_HANDBACK_MM_COUNT, "refs", true));
	return o;
}

