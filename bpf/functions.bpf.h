/* SPDX-License-Identifier: GPL-2.0 */
/*
 * functions.bpf.h - hooks on kernel functions, fentry where the kernel has a BPF trampoline,
 * kprobe otherwise: mm teardown (__mmdrop, or its kmem_cache_free), shoot-lazies and powerpc
 * exit flushes, helper execs, call counts, and the timed functions (flush_tlb_mm_range,
 * finish_task_switch)..
 */
#ifndef LT_FUNCTIONS_BPF_H
#define LT_FUNCTIONS_BPF_H

#include "maps.bpf.h"
#include "whatif.bpf.h"

/* ------------------------------------------------------------------ */
/* functions: fentry/fexit where the kernel has a BPF trampoline,      */
/* kprobe/kretprobe otherwise; attach targets are set by userspace     */
/* ------------------------------------------------------------------ */

static __always_inline int count_call(unsigned long off)
{
	struct lt_counters *c;

	if (cfg.empty)
		return 0;
	c = ctrs();
	if (c)
		(*(__u64 *)((char *)c + off))++;
	return 0;
}

#define LT_COUNT_HOOK(hook, field)                                        \
	SEC("fentry") int BPF_PROG(hook##__fentry) { return count_call(offsetof(struct lt_counters, field)); } \
	SEC("kprobe") int BPF_KPROBE(hook##__kprobe) { return count_call(offsetof(struct lt_counters, field)); }

LT_COUNT_HOOK(mmdrop, mmdrop)
LT_COUNT_HOOK(shoot_lazy, shoot_lazy_calls)

/*
 * powerpc radix do_exit_flush_lazy_tlb(mm), an IPI handler (exit_flush_lazy_tlbs, ppc 6.1-7.2:
 * at exit_mmap only with MMU_LAZY_TLB_SHOOTDOWN, radix__tlb_flush 6.12; on either scheme from
 * flush_type_needed's mm_cpumask trims): a kernel thread or idle lazy on mm switches to
 * init_mm (exit_lazy_flush_tlb: mmgrab_lazy_tlb(&init_mm), mmdrop_lazy_tlb(mm): two atomics on
 * refcount kernels, none on shootdown ones). This CPU's state then holds init_mm, so later IPIs
 * about mm see it off the mm. Not seen (radix_tlb.c, book3s64/pgtable.c 6.12): the calls of
 * exit_lazy_flush_tlb outside this handler, flush_type_needed's trim of its own CPU and
 * do_serialize (the IPI of serialize_against_pte_lookup, THP collapse): a lazy CPU they move
 * off is still lazy on mm here until its next switch, and its grab and drop are not counted.
 */
static __always_inline int on_exit_flush_lazy(__u64 mm)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_counters *c;
	struct lt_cpu_state *cs;

	if (cfg.empty || !(c = ctrs()))
		return 0;
	c->exit_flush_lazy_calls++;
	if (BPF_CORE_READ(t, mm) || (__u64)BPF_CORE_READ(t, active_mm) != mm)
		return 0;
	c->exit_flush_lazy_switches++;
	cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (cs && cfg.init_mm_addr)
		cs->active_mm = cfg.init_mm_addr;
	return 0;
}

/*
 * begin_new_exec(bprm) by a task that has no mm: a user-mode helper (call_usermodehelper: core
 * dump pipes, modprobe, hotplug agents) or another kernel-created task exec'ing. Its
 * exec_mmap() finds old_mm NULL and drops the active_mm it ran on lazily (fs/exec.c: mmdrop
 * 5.10-6.3, mmdrop_lazy_tlb 6.4-7.2: an atomic on refcount kernels), after installing
 * bprm->mm: this CPU then runs that mm as a user task. (begin_new_exec can fail before
 * exec_mmap, in de_thread or unshare_files: not for a helper, which has no threads.)
 */
static __always_inline int on_exec(const struct linux_binprm *bprm)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_counters *c;
	struct lt_cpu_state *cs;

	if (cfg.empty || !(c = ctrs()) || BPF_CORE_READ(t, mm))
		return 0;
	c->lazy_exec_drops++;
	cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (cs) {
		cs->kind = LT_KIND_USER;
		cs->mm = cs->active_mm = (__u64)BPF_CORE_READ(bprm, mm);
	}
	return 0;
}

/*
 * kthread_use_mm(mm) / kthread_unuse_mm(mm), kernel/kthread.c: a kernel thread adopts a user
 * mm and lets it go (vhost workers before 6.4's vhost_task, USB gadget, vfio, GPU drivers).
 * use: 5.10-6.3 mmgrab(mm) and mmdrop(old active_mm) only if active_mm != mm; 6.4-7.2 both
 * always (mmgrab(mm), mmdrop_lazy_tlb(active_mm): an atomic on refcount kernels, a barrier
 * on shootdown ones). unuse: no reference moves; active_mm stays mm (enter_lazy_tlb), the
 * thread is now lazy on it and its next switch drops it as any kthread's. Counted here: the
 * calls and those finding active_mm == mm; userspace weighs them by kernel (metrics.c).
 */
static __always_inline int on_use_mm(__u64 mm, bool use)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_counters *c;
	struct lt_cpu_state *cs;

	if (cfg.empty || !(c = ctrs()) || !mm)
		return 0;
	if (use) {
		c->lazy_use_mm++;
		if ((__u64)BPF_CORE_READ(t, active_mm) == mm)
			c->lazy_use_mm_same++;
	} else {
		c->lazy_unuse_mm++;
	}
	cs = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (cs) {
		cs->kind = use ? LT_KIND_KTHREAD_MM : LT_KIND_KTHREAD;
		cs->mm = use ? mm : 0;
		cs->active_mm = mm;
	}
	return 0;
}

SEC("fentry") int BPF_PROG(use_mm__fentry, struct mm_struct *mm) { return on_use_mm((__u64)mm, true); }
SEC("kprobe") int BPF_KPROBE(use_mm__kprobe, struct mm_struct *mm) { return on_use_mm((__u64)mm, true); }
SEC("fentry") int BPF_PROG(unuse_mm__fentry, struct mm_struct *mm) { return on_use_mm((__u64)mm, false); }
SEC("kprobe") int BPF_KPROBE(unuse_mm__kprobe, struct mm_struct *mm) { return on_use_mm((__u64)mm, false); }

SEC("fentry") int BPF_PROG(exec_lazy__fentry, const struct linux_binprm *bprm) { return on_exec(bprm); }
SEC("kprobe") int BPF_KPROBE(exec_lazy__kprobe, const struct linux_binprm *bprm) { return on_exec(bprm); }

SEC("fentry") int BPF_PROG(exit_flush_lazy__fentry) { return on_exit_flush_lazy(ctx[0]); }
SEC("kprobe") int BPF_KPROBE(exit_flush_lazy__kprobe) { return on_exit_flush_lazy(PT_REGS_PARM1(ctx)); }
LT_COUNT_HOOK(table_sync, table_sync_calls)
LT_COUNT_HOOK(membarrier, membarrier_calls)

/* membarrier(2) also has syscall tracepoints on every kernel, with the arguments: the
 * targets the kernel skipped are evaluated there (whatif.bpf.h membarrier_open/close).
 * Their records are struct syscall_trace_enter/exit (int nr, then the arguments or ret:
 * kernel/trace/trace.h 5.10-7.2), not raw_syscalls' trace_event_raw_sys_enter/exit (long
 * id): the two agree only while struct trace_entry is 8 bytes. PREEMPT_RT's is 12 (6.1-rt:
 * preempt_lazy_count), where the raw types read one argument further on and the exit
 * program read past the record (attach refused: EACCES), so membarrier lost its arguments. */
SEC("tracepoint/syscalls/sys_enter_membarrier")
int membarrier__tracepoint(struct syscall_trace_enter *ctx)
{
	if (!cfg.empty)
		membarrier_open(ctx->args[0], ctx->args[1]);
	return count_call(offsetof(struct lt_counters, membarrier_calls));
}

SEC("tracepoint/syscalls/sys_exit_membarrier")
int membarrier_exit__tracepoint(struct syscall_trace_exit *ctx)
{
	if (!cfg.empty)
		membarrier_close(ctx->ret);
	return 0;
}

/* __mmdrop fallback without fentry/kprobe: every __mmdrop ends in free_mm(),
 * kmem_cache_free(mm_cachep, mm). The cache pointer comes from &mm_cachep when
 * kallsyms lists data symbols, else it is learnt at the first free from a
 * cache named "mm_struct" (never merged with others: it has a usercopy
 * region); the name is only read for caches of a plausible object size, so
 * the steady-state cost is one compare per kmem_cache_free. */
static __always_inline bool is_mm_cache(const struct kmem_cache *cache)
{
	__u32 osz = BPF_CORE_READ(cache, object_size), msz = bpf_core_type_size(struct mm_struct);
	char name[10] = {};
	const char *np;

	if (osz < msz || osz > msz + 8192)
		return false;
	np = BPF_CORE_READ(cache, name);
	if (bpf_probe_read_kernel_str(name, sizeof(name), np) != 10)
		return false;
	return name[0] == 'm' && name[1] == 'm' && name[2] == '_' && name[3] == 's' && name[4] == 't' &&
	       name[5] == 'r' && name[6] == 'u' && name[7] == 'c' && name[8] == 't' && name[9] == 0;
}

static __always_inline int on_kmem_cache_free(const struct kmem_cache *cache)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c;

	if (!mm_cache_ptr) {
		__u64 p = 0;

		if (cfg.mm_cachep_addr) {
			if (bpf_probe_read_kernel(&p, sizeof(p), (void *)cfg.mm_cachep_addr))
				return 0;
		} else if (is_mm_cache(cache)) {
			p = (__u64)cache;
		}
		mm_cache_ptr = p;
	}
	if ((__u64)cache != mm_cache_ptr || !mm_cache_ptr)
		return 0;
	c = ctrs();
	if (c)
		c->mmdrop++;
	return 0;
}

SEC("tp_btf/kmem_cache_free")
int BPF_PROG(mmdrop__tp_btf, unsigned long call_site, const void *ptr, const struct kmem_cache *s)
{
	return on_kmem_cache_free(s);
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(mmdrop__raw_tp, unsigned long call_site, const void *ptr, const struct kmem_cache *s)
{
	return on_kmem_cache_free(s);
}

/* durations: entry stamps a per-CPU scratch slot, exit adds to a histogram */
static __always_inline int ftmr_entry(struct mm_struct *mm)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_counters *c = ctrs();
	struct lt_ftmr f = { .start_ns = bpf_ktime_get_ns(), .path = LT_FTMR_NO_IPI };
	__u32 pid = (__u32)bpf_get_current_pid_tgid();

	if (!c)
		return 0;
	c->flush_tlb_mm_range_calls++;
	if (mm && lt_mm_global_asid(mm)) {
		f.path = LT_FTMR_BROADCAST;
		c->flush_broadcast++;
		if (cfg.whatif)
			whatif_broadcast(c, mm);
	}
	if (bpf_map_update_elem(&ftmr_calls, &pid, &f, BPF_ANY))
		c->ftmr_full++; /* one entry per task inside the call: not expected to fill */
	return 0;
}

static __always_inline int ftmr_exit(void)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	struct lt_ftmr *f = bpf_map_lookup_elem(&ftmr_calls, &pid);
	__u64 now = bpf_ktime_get_ns();

	if (!f)
		return 0;
	if (now > f->start_ns) {
		hist_record(LT_H_FLUSH_TLB_MM_RANGE, now - f->start_ns);
		hist_record(f->path == LT_FTMR_IPI ? LT_H_FTMR_IPI : f->path == LT_FTMR_BROADCAST ? LT_H_FTMR_BROADCAST
									       : LT_H_FTMR_NO_IPI,
			 now - f->start_ns);
	}
	bpf_map_delete_elem(&ftmr_calls, &pid);
	return 0;
}

static __always_inline int fts_entry(void *prev)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_scratch *s = scr();

	if (s)
		s->fts_start_ns = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int fts_exit(void)
{
	if (cfg.empty) /* benchmark floor */
		return 0;
	struct lt_scratch *s = scr();
	__u32 cpu = bpf_get_smp_processor_id();
	struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);

	if (s && s->fts_start_ns) {
		hist_record(cs && cs->fts_lazy_drop ? LT_H_FTS_LAZY_DROP : LT_H_FTS_OTHER,
			 bpf_ktime_get_ns() - s->fts_start_ns);
		s->fts_start_ns = 0;
	}
	return 0;
}

/* entry(a0): a0 is the function's first argument */
#define LT_DURATION_HOOK(hook, entry, exit)                                           \
	SEC("fentry") int BPF_PROG(hook##__fentry) { return entry((void *)ctx[0]); }  \
	SEC("fexit") int BPF_PROG(hook##_exit__fentry) { return exit; }               \
	SEC("kprobe") int BPF_KPROBE(hook##__kprobe) { return entry((void *)PT_REGS_PARM1(ctx)); } \
	SEC("kretprobe") int BPF_KRETPROBE(hook##_exit__kprobe) { return exit; }

LT_DURATION_HOOK(flush_tlb_mm_range, ftmr_entry, ftmr_exit())
LT_DURATION_HOOK(finish_task_switch, fts_entry, fts_exit())

/* flush_tlb_func itself, where the csd tracepoints are missing: counted as
 * /proc/interrupts' TLB row counts it, when run for another CPU */
static __always_inline int on_flush_tlb_func(const void *info)
{
	struct lt_counters *c;

	if (cfg.empty)
		return 0;
	c = ctrs();
	if (c && cfg.flush_fn_remote) {
		/* 5.10's flush_tlb_func_remote also runs on the flushing CPU after its TLB filter
		 * said yes for it (kernel/smp.c on_each_cpu_cond_mask; fallback.bpf.h on_cond_ret) */
		struct lt_scratch *s = scr();

		if (s && s->q_local_run) {
			s->q_local_run = 0;
			c->tlb_local_fn_runs++;
		} else {
			c->tlb_remote_flush_fn++;
		}
	} else if (c && lt_flush_info_initiator(info) >= 0 &&
		   lt_flush_info_initiator(info) != (int)bpf_get_smp_processor_id()) {
		c->tlb_remote_flush_fn++;
	}
	return 0;
}

SEC("fentry")
int BPF_PROG(flush_tlb_func__fentry, void *info)
{
	return on_flush_tlb_func(info);
}

SEC("kprobe")
int BPF_KPROBE(flush_tlb_func__kprobe, void *info)
{
	return on_flush_tlb_func(info);
}

/*
 * CPU hotplug moves mm references outside context switch (kernel/cpu.c, kernel/sched/core.c):
 *  - offline: finish_cpu(), run for the dead CPU on one that stays up, drops its idle task's
 *    active_mm: 5.10-6.x the lazy mm that CPU last ran (or init_mm), mmdrop before 6.4 and
 *    mmdrop_lazy_tlb after; 7.2 has no idle_task_exit: sched_cpu_wait_empty() first moves the
 *    outgoing CPU's hotplug thread from its lazy mm to init_mm (sched_force_init_mm: a grab of
 *    init_mm and a drop of the lazy mm), then finish_cpu drops init_mm;
 *  - online: the new CPU's idle task takes init_mm before it runs anything (x86 cpu_init
 *    mmgrab, powerpc start_secondary mmgrab / mmgrab_lazy_tlb, 5.10-7.2), counted when the
 *    bringup step starts on the CPU that brings it up.
 * Seen at cpuhp_enter by the step's callback (cfg.hp_*, from kallsyms).
 */
static __always_inline int on_cpuhp(__u32 cpu, __u64 fun)
{
	struct lt_counters *c;
	struct lt_cpu_state *cs;

	if (cfg.empty || !fun || !(c = ctrs()))
		return 0;
	if (fun == cfg.hp_finish_cpu) {
		c->lazy_hotplug_drops++;
		/* the dead CPU comes back on init_mm (its idle task) */
		if ((cs = bpf_map_lookup_elem(&cpu_state, &cpu)) && cfg.init_mm_addr)
			cs->active_mm = cfg.init_mm_addr;
	} else if (fun == cfg.hp_bringup || fun == cfg.hp_bringup_ap) {
		c->lazy_hotplug_grabs++;
	} else if (fun == cfg.hp_wait_empty) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		__u64 mm = (__u64)BPF_CORE_READ(t, active_mm);
		__u32 me = bpf_get_smp_processor_id();

		if (!mm || !cfg.init_mm_addr || mm == cfg.init_mm_addr)
			return 0;
		c->lazy_hotplug_grabs++;
		c->lazy_hotplug_drops++;
		if ((cs = bpf_map_lookup_elem(&cpu_state, &me)))
			cs->active_mm = cfg.init_mm_addr;
	}
	return 0;
}

SEC("raw_tp/cpuhp_enter")
int BPF_PROG(cpuhp__raw_tp, unsigned int cpu, int target, int idx, void *fun) { return on_cpuhp(cpu, (__u64)fun); }
SEC("tp_btf/cpuhp_enter")
int BPF_PROG(cpuhp__tp_btf, unsigned int cpu, int target, int idx, void *fun) { return on_cpuhp(cpu, (__u64)fun); }
SEC("tracepoint/cpuhp/cpuhp_enter")
int cpuhp__tracepoint(struct trace_event_raw_cpuhp_enter *ctx) { return on_cpuhp(ctx->cpu, (__u64)ctx->fun); }

#endif
