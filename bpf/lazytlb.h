/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lazytlb.h - layout shared by the BPF programs (bpf/lazytlb.bpf.c) and the
 * userspace loader (userspace/). Everything the kernel side aggregates lives in
 * per-CPU maps whose value types are defined here, so both sides agree on it.
 *
 * Only fixed-width types: this header is included both with vmlinux.h (BPF)
 * and with <linux/types.h> (userspace).
 */
#ifndef LAZYTLB_H
#define LAZYTLB_H

/* The largest NR_CPUS Kconfig allows on x86 (MAXSMP) and powerpc (6.12 arch/x86/Kconfig,
 * arch/powerpc/platforms/Kconfig.cputype): every kernel's nr_cpu_ids fits. The per-target maps
 * (cpu_state, ipi_pending) are sized to the running kernel's nr_cpu_ids at load; only the
 * scratch CPU masks and cfg's masks have this many bits. */
#define LT_MAX_CPUS 8192
#define LT_MASK_WORDS (LT_MAX_CPUS / 64)
#define LT_SHARING_MIN_PERIOD 4 /* mm_cpumask weight sampled at 1 in 4 lazy ops (x words) */

/* causes, target states, tlb_flush reasons, what-if filters: one list each */
#include "lt_names.h"

/* IPI callbacks are told apart by address: userspace resolves callback names from
 * /proc/kallsyms (userspace/trace/causes.c) into the cb_causes map (address -> cause) before
 * attaching; cb_counts counts queued calls per callback address (userspace names them). */
#define LT_MAX_CB_CAUSES 64
#define LT_MAX_CB_COUNTS 512
#define LT_CB_UNSEEN 1 /* cb_counts key of a hardware IPI whose queued call was not seen */
/* a cb_causes value: the cause in the low byte, the callback's index + 1 in counters.cb_known
 * above it (the loader's list: every named callback counted without a hash lookup) */
#define LT_CB_KNOWN_SHIFT 8
#define LT_CB_CAUSE_MASK 0xff

/* key of cb_counts: a callback as it was counted (irq_work callbacks are told by csd type) */
struct lt_cb_key {
	__u64 func;
	__u32 cause;
	__u32 pad;
};

/* Senders: requests per (cause, sending task, kernel stack), counted on the sending
 * CPU in a per-CPU hash; the stack's first frame outside the IPI plumbing is the callsite
 * (userspace/trace/senders.c). Only requests to the CPUs of cfg.sender_cpus when it is set. */
#define LT_SENDER_DEPTH 24          /* kernel frames kept per sending stack (--stacks) */
#define LT_SENDER_CALLSITE_DEPTH 16 /* ... otherwise: enough to find the callsite */
#define LT_SENDER_STACK_PERIOD 1024 /* default cfg.stack_period */
#define LT_SENDER_BORROW 8          /* ... requests of one process on another's (same name) */
#define LT_SENDER_CACHE 128         /* per-CPU cache of senders' stacks (a power of 2) */
#define LT_CAUSE_CACHE 16           /* per-CPU cache of callback causes (a power of 2) */
/* Table sizes (docs/senders.md has the measurements behind them). When the per-task table is
 * full a request is counted per (cause, comm, stack) in senders_folded, and when that is full
 * too, per cause in sender_causes (an array: it cannot fill); each fold is counted. */
#define LT_MAX_SENDERS 4096
#define LT_MAX_SENDERS_FOLDED 1024
#define LT_MAX_SENDER_STACKS 2048
struct lt_sender_key {
	__u32 cause;
	__u32 tgid;
	__u64 stack;                /* sender_stacks key (a hash of the frames), 0: not kept */
	char comm[16];
};
struct lt_sender_val {
	__u64 requests, to_idle, to_nohz_full;
};
/* Pinned rows: the first key to claim a slot of this per-CPU direct-mapped table (the
 * sender_pins map) keeps it for the whole record, so a sender that keeps sending is counted in
 * one cache line of its own CPU instead of a hash lookup (bucket, element and per-CPU value) per
 * request. A key whose slot is held by another goes to the tables above. Nothing is ever moved
 * from a slot to a table: a request is counted in one place, and userspace adds the slots to
 * the per-task rows of the same key (a flush at eviction would race with the reader). */
#define LT_SENDER_PINS 64 /* a power of 2; 4 KiB per possible CPU */
struct lt_sender_pin {
	struct lt_sender_key k;
	__u64 check; /* 0: free; else the key's hash, written after the key (claim complete) */
	struct lt_sender_val v;
};

/* per filter and cause, per target of a request: seen; of those the predicate held for, skip
 * (the IPI was not needed), kept (needed all the same: the reason is the cause's, see
 * whatif_kept()); unknown (the state could not be read). kernel_skipped: targets in the mm's
 * CPU mask the kernel itself left out of a remote TLB flush, the predicate holding for them */
struct lt_whatif_cell {
	__u64 seen, skip, kept, unknown, kernel_skipped;
};

/* ---- log-linear histograms: each power of two split into LT_HIST_SUB linear buckets ---- */
#define LT_HIST_SUB_BITS 2
#define LT_HIST_SUB (1 << LT_HIST_SUB_BITS)
#define LT_HIST_NR_BUCKETS (64 * LT_HIST_SUB) /* generous: covers the whole u64 range */

enum lt_hist_id {
	LT_H_FLUSH_TLB_MM_RANGE = 0, /* ns inside flush_tlb_mm_range */
	LT_H_IPI_LATENCY,            /* ns from IPI send to handler entry on the target */
	LT_H_FTS_LAZY_DROP,          /* ns in finish_task_switch when it drops a lazy mm ref */
	LT_H_FTS_OTHER,              /* ns in finish_task_switch otherwise */
	LT_H_NOHZ_INTERRUPTION,      /* ns a nohz_full CPU spent in an IPI handler */
	LT_H_SHARING,                /* CPUs in mm_cpumask at a lazy grab/drop (unit: cpus) */
	LT_H_HANDBACK_MM_COUNT,      /* mm_count when a lazy kthread hands an mm back */
	LT_H_DEFER_DELAY,            /* ns from a deferrable IPI to its target's next kernel entry */
	LT_H_IPI_LATENCY_IDLE,       /* LT_H_IPI_LATENCY of IPIs to a CPU idle at the send (C-state exit included) */
	LT_H_IPI_LATENCY_BUSY,       /* ... to a CPU not idle at the send */
	LT_H_FTMR_IPI,               /* LT_H_FLUSH_TLB_MM_RANGE of calls that queued a TLB-flush IPI */
	LT_H_FTMR_BROADCAST,         /* ... that flushed by INVLPGB broadcast (x86 6.15+) */
	LT_H_FTMR_NO_IPI,            /* ... that did neither (local only, lazy targets left out, paravirt) */
	LT_NR_HISTS,
};

struct lt_hist {
	__u64 count, sum, min, max;
	__u64 buckets[LT_HIST_NR_BUCKETS];
};

/* Bucket index of v: values below LT_HIST_SUB are exact; above, bucket =
 * (exponent - SUB_BITS + 1) * SUB + the SUB_BITS bits after the leading one.
 * Shared by the BPF side (to count) and userspace (to name bucket bounds). */
static inline __u32 lt_hist_bucket(__u64 v)
{
	__u32 e = 0;
	__u64 t = v;

	if (v < LT_HIST_SUB)
		return (__u32)v;
	/* e = floor(log2(v)), branch-free enough for the verifier */
	if (t >> 32) { e += 32; t >>= 32; }
	if (t >> 16) { e += 16; t >>= 16; }
	if (t >> 8) { e += 8; t >>= 8; }
	if (t >> 4) { e += 4; t >>= 4; }
	if (t >> 2) { e += 2; t >>= 2; }
	if (t >> 1) { e += 1; }
	return (e - LT_HIST_SUB_BITS + 1) * LT_HIST_SUB +
	       (__u32)((v >> (e - LT_HIST_SUB_BITS)) & (LT_HIST_SUB - 1));
}

/* Count v into h: the one definition, for the BPF side and for userspace. */
static inline void lt_hist_add(struct lt_hist *h, __u64 v)
{
	__u32 b = lt_hist_bucket(v) & (LT_HIST_NR_BUCKETS - 1); /* & : a bound the verifier sees */

	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->buckets[b]++;
}

/* ---- the per-CPU counter block (one PERCPU_ARRAY element) ---- */
struct lt_counters {
	/* context switches, classified by prev/next ->mm */
	__u64 sw_user_to_user, sw_user_to_kthread, sw_kthread_to_user, sw_kthread_to_kthread;
	__u64 sw_to_idle, sw_from_idle;
	/* lazy mm references (user->kthread grabs, kthread->user drops) */
	__u64 lazy_grabs, lazy_drops;
	__u64 lazy_exit_grabs;       /* exit_mm(): an exiting user task goes lazy on its mm */
	__u64 lazy_exec_drops;       /* exec_mmap() by a task without an mm: its lazy mm dropped */
	__u64 lazy_hotplug_grabs, lazy_hotplug_drops; /* CPU hotplug: init_mm and lazy mm references */
	/* kthread_use_mm() calls, those finding active_mm == mm already, kthread_unuse_mm() calls */
	__u64 lazy_use_mm, lazy_use_mm_same, lazy_unuse_mm;
	__u64 tlbie_global, tlbie_local; /* powerpc: tlbie (broadcast) and tlbiel (this CPU) issued */
	__u64 handback_same_mm;      /* kthread->user where next->mm == borrowed active_mm */
	__u64 handback_count_ge2;    /* ... and mm_count >= 2 at that moment (refcount evidence) */
	__u64 handback_count_le1;    /* ... and mm_count <= 1 (shootdown evidence) */
	/* mm_count at hand-back minus mm_count when this CPU went lazy on it:
	 * +1 is the lazy reference (refcount), 0 none (shootdown); robust to
	 * other long-lived mmgrab holders such as khugepaged's mm slots */
	__u64 handback_delta_plus1, handback_delta_zero;
	/* mm teardown */
	__u64 mmdrop;                /* __mmdrop calls (or mm_struct frees, see probes) */
	__u64 shoot_lazy_calls;      /* do_shoot_lazy_tlb executions, local and remote */
	__u64 shoot_lazy_sent_lazy;  /* shoot-lazy requests to a CPU the sender saw lazy on the mm */
	__u64 shoot_lazy_recv_lazy;  /* remote do_shoot_lazy_tlb runs that found the CPU lazy on the mm */
	__u64 exit_flush_lazy_calls; /* do_exit_flush_lazy_tlb executions */
	__u64 exit_flush_lazy_switches; /* ... that moved a lazy kthread or idle off the mm to init_mm */
	__u64 membarrier_calls;      /* membarrier(2) syscalls */
	__u64 table_sync_calls;      /* tlb_remove_table_sync_one calls */
	__u64 flush_tlb_mm_range_calls;
	/* IPIs, counted on the sending CPU, per target */
	__u64 ipi_sent;              /* all cross-CPU requests (queued calls + resched + other) */
	__u64 ipi_cause_state[LT_NR_CAUSES][LT_NR_STATES];
	__u64 ipi_hw_sent;           /* hardware IPIs raised (ipi_send_cpu/ipi_send_cpumask targets) */
	__u64 ipi_delivered_by_cause[LT_NR_CAUSES]; /* IPI interrupts received, by the cause of their send */
	__u64 cb_counts_full;        /* queued calls not counted by callback: cb_counts was full */
	__u64 cb_known[LT_MAX_CB_CAUSES]; /* queued calls per named callback (cb_causes' index) */
	__u64 senders_full;          /* requests not counted by sender: no table could take them */
	__u64 senders_folded_tgid;   /* ... counted per comm and stack: the senders map was full */
	__u64 senders_folded_cause;  /* ... counted per cause only: senders_folded was full too */
	__u64 senders_folded_stack;  /* ... counted without their stack: sender_stacks was full */
	__u64 senders_stacks_taken;  /* sender stacks unwound (the costly part of counting senders) */
	__u64 ftmr_full;             /* flush_tlb_mm_range calls not timed: ftmr_calls was full */
	/* IPIs, counted on the receiving CPU */
	__u64 hw_call_function, hw_call_function_single, hw_reschedule; /* x86 vectors */
	__u64 hw_ipi_irq, hw_doorbell; /* powerpc: the muxed IPI interrupt line, doorbells */
	__u64 csd_remote_by_cause[LT_NR_CAUSES]; /* queued calls executed here for another CPU */
	__u64 csd_exec_by_cause[LT_NR_CAUSES];   /* all executions, local ones included */
	__u64 tlb_remote_flush_received; /* flush_tlb_func run for another CPU (= /proc TLB) */
	__u64 tlb_remote_flush_fn;       /* the same, seen by the flush_tlb_func fallback hook */
	__u64 tlb_local_fn_runs;         /* 5.10: flush_tlb_func_remote run by the flushing CPU on
					  * itself (on_each_cpu_cond_mask's tail): in /proc TLB too */
	/* wakeups */
	__u64 idle_wake_by_cause[LT_NR_CAUSES];
	__u64 nohz_wake_by_cause[LT_NR_CAUSES];
	__u64 idle_exits, idle_without_ipi;
	/* tlb_flush tracepoint */
	__u64 tlb_flush_reason[LT_NR_FLUSH_REASONS];
	/* remote flushes (reason remote_send_ipi, one per flush_tlb_multi call) by whether
	 * they queued a TLB-flush call for another CPU before this CPU's next tlb_flush event:
	 * without one, the hypervisor (KVM preempted vCPUs, PVM) did the remote part */
	__u64 rflush_with_ipi, rflush_without_ipi;
	/* ... and those that queued none because no other CPU ran the mm (every target lazy:
	 * x86's own filter, should_flush_tlb since 4.19) or the mm could not be read */
	__u64 rflush_no_active_target, rflush_unknown;
	/* what-if */
	struct lt_whatif_cell whatif[LT_NR_FILTERS][LT_NR_CAUSES];
	__u64 whatif_race_exposed[LT_NR_FILTERS];
	__u64 whatif_skip_idle[LT_NR_FILTERS];   /* skipped IPIs that would have woken an idle CPU */
	__u64 whatif_skip_nohz[LT_NR_FILTERS];   /* ... or disturbed a nohz_full CPU in user mode */
	__u64 flush_freed_tables[3]; /* no / yes / unknown, per queued TLB-flush call */
	/* flush_tlb_mm_range calls on an mm with a global ASID: flushed by INVLPGB broadcast, no
	 * IPI and no tlb_flush event (x86 6.15+), and the other CPUs of its mask they reached */
	__u64 flush_broadcast, flush_broadcast_targets;
	/* membarrier private expedited calls whose kernel skips were evaluated (sys_enter/exit) */
	__u64 membarrier_evaluated;
	/* sampling bookkeeping */
	__u64 sharing_tick;
};

/* ---- per-CPU execution state, written only by its own CPU at sched_switch ---- */
struct lt_cpu_state {
	__u64 mm;          /* current task's ->mm (0 for kthreads and idle) */
	__u64 active_mm;   /* current task's ->active_mm */
	__u32 kind;        /* LT_KIND_* */
	__u32 pid;
	__u32 fts_lazy_drop; /* this switch's finish_task_switch() drops a lazy mm (its span's hist) */
	__u32 in_guest;      /* a KVM vCPU is in guest mode here (kvm_entry, to kvm_exit) */
	__u64 task;          /* the current task (its PF_VCPU) */
	__u64 vcpu;          /* the struct kvm_vcpu of the last kvm_entry here (its mode) */
	/* what-if race window: filters that skipped this CPU, and for which mm/when */
	__u64 skipped_mm[LT_NR_RACE_FILTERS];
	__u64 skipped_ns[LT_NR_RACE_FILTERS];
	/* defer-to-kernel-entry: when the first IPI this CPU could have deferred was sent (by
	 * another CPU), cleared at this CPU's next kernel entry: 0 none pending */
	__u64 defer_ns;
	__u64 ct_addr;       /* &per_cpu(context_tracking, this CPU) where cfg.ct_from_rq, 0 not yet */
	__u8 pad[64 - ((8 * 8 + 2 * 8 * LT_NR_RACE_FILTERS) % 64)];
} __attribute__((aligned(64)));

/* KTHREAD_MM: a kernel thread that adopted a user mm (kthread_use_mm): it runs the mm, in
 * kernel mode only, and is not lazy */
enum { LT_KIND_UNKNOWN = 0, LT_KIND_IDLE, LT_KIND_KTHREAD, LT_KIND_USER, LT_KIND_KTHREAD_MM };

/* ---- per-target pending IPI (send timestamp and cause), for latency and wakeups ---- */
/* hardware IPIs raised to a CPU and not yet handled, per kind: x86 has a vector each, so a
 * handler is paired with a send of its own vector (powerpc muxes both: the earliest is taken) */
enum { LT_PEND_CALL, LT_PEND_RESCHED, LT_NR_PEND };
struct lt_ipi_pending {
	__u64 send_ns[LT_NR_PEND];   /* 0 when nothing pending */
	__u32 cause[LT_NR_PEND];     /* cause of the first request that raised the IPI */
	__s32 send_user[LT_NR_PEND]; /* target's context tracking at the send: 1 user, 0 kernel, -1 unknown */
	__u32 queued_cause;          /* cause of the last call queued for this CPU (csd_queue_cpu) */
	__u8 send_idle[LT_NR_PEND];  /* the target ran the idle task at the send */
	__u8 pad[26];
} __attribute__((aligned(64)));

/* ---- a flush_tlb_mm_range call in flight, per task: its entry and exit can run on different
 * CPUs (preemptible around get_cpu()/put_cpu()), so it is keyed by the task, not the CPU ---- */
enum { LT_FTMR_NO_IPI, LT_FTMR_IPI, LT_FTMR_BROADCAST };
struct lt_ftmr {
	__u64 start_ns;
	__u32 path; /* LT_FTMR_*: set to IPI by the TLB-flush calls it queues */
	__u32 pad;
};
#define LT_MAX_FTMR 4096

/* ---- per-CPU scratch (entry timestamps, flags), never read by other CPUs ---- */
struct lt_scratch {
	__u64 fts_start_ns, irq_start_ns;
	__u64 grab_mm;           /* the mm this CPU last went lazy on, and its mm_count then */
	__s64 grab_count;
	__u32 in_idle, woken;
	__u32 in_irq;            /* inside an x86 IPI vector handler (entry seen, exit not yet) */
	__u32 irq_attributed;    /* this hardware IPI's wakeup/disturbance already counted */
	__u32 irq_nohz;          /* this IPI interrupted a nohz_full CPU running a user task */
	__u32 irq_cause;         /* the sender's cause of this IPI (an IPI whose calls an earlier one ran) */
	/* kernels without the csd/ipi tracepoints (before v6.3): the call being queued by this
	 * CPU (smp_call_function_many_cond, __smp_call_single_queue), read by the arch IPI send
	 * that follows it; cleared there */
	__u64 send_info;
	__u32 send_cause, send_stashed;
	__u64 send_func;   /* the stashed call's callback (cb_counts) */
	/* ... with the calls counted where queued (cfg.calls_at_queue): this one is counted at
	 * the send instead (a cond_func not followed); the csd generic_exec_single counted
	 * (its __smp_call_single_queue, if not inlined, skips it); a many_cond call whose
	 * cond_func verdicts are followed (cond_tlb), its call, the CPU asked */
	__u64 q_exec_node;
	__u64 q_many_func, q_many_info; /* the last many_cond call (its targets: q_many_mask) */
	__u32 q_many_cause, q_at_send, q_cond_open, q_cond_cpu;
	__u32 q_local_run, pad_q; /* the filter said yes for this CPU: its local run comes next */
	/* a remote flush announced on this CPU (tlb_flush remote_send_ipi) and not yet closed
	 * by its next tlb_flush event, and the TLB-flush calls it queued meanwhile */
	__u32 rflush_open, rflush_queued;
	__u32 rflush_active; /* another CPU ran the flushed mm at the event: 0 no, 1 yes, 2 unknown */
	__u64 rflush_mm;     /* the flushed mm (its CPUs: rflush_cand, rflush_sent below) */
	/* a membarrier private expedited call open on this CPU (sys_enter to sys_exit) and its
	 * mm (the CPUs: mb_cand, mb_sent below) */
	__u64 mb_mm;
	__u32 mb_open, pad_mb;
	__u64 sender_stack;  /* the kernel stack of the request being sent (senders): its hash, */
	__u64 sender_ips[LT_SENDER_DEPTH]; /* and its frames */
	__u32 sender_stack_lost; /* ... not kept: sender_stacks was full */
	__u32 pad_snd;
	__u64 sender_pid_tgid;   /* ... taken for this task, whose name is: */
	__u64 sender_comm[2];
	/* cb_causes by callback, direct-mapped (maps.bpf.h cause_of): valid when check matches */
	struct lt_cause_slot {
		__u64 func, check;
		__u32 cause, pad; /* cause: cb_causes' value (the cause and the cb_known index) */
	} causes[LT_CAUSE_CACHE];
	/* senders' stacks by (task name, callback), direct-mapped: ipi_send.bpf.h sender_stack() */
	struct lt_sender_slot {
		__u64 comm[2], func; /* the sending task's name, the callback */
		__u64 stack;         /* its stack's hash (0: none taken or kept) */
		__u32 tgid;          /* the process that last used it */
		__u16 left;          /* requests left before the stack is taken again (0: empty) */
		__u16 lost;          /* the stack was not kept: sender_stacks was full */
	} snd[LT_SENDER_CACHE];
	/* CPU masks of nr_cpu_ids bits (bpf/cpumask.bpf.h): the other CPUs in the flushed mm's
	 * mm_cpumask at remote_send_ipi and those a TLB-flush call was queued for since; the other
	 * online CPUs an open membarrier looked at and those it queued a call for; the targets of
	 * the last many_cond call (kernels before 6.3) */
	__u64 rflush_cand[LT_MASK_WORDS], rflush_sent[LT_MASK_WORDS];
	__u64 mb_cand[LT_MASK_WORDS], mb_sent[LT_MASK_WORDS];
	__u64 q_many_mask[LT_MASK_WORDS];
};

/* ---- what libbpf's CO-RE decided at load (core_facts), for the result: userspace runs the
 * core_probe program once after the load; each 1 where the kernel's BTF has it ---- */
struct lt_core_facts {
	__u32 ran;           /* core_probe ran */
	__u32 kvm_vcpu_mode; /* struct kvm_vcpu's mode (guest state), else PF_VCPU */
	__u32 ct_state;      /* struct context_tracking's state, atomic_t (5.19+) or enum */
	__u32 cfs_rq_rq;     /* cfs_rq.rq and sched_entity.cfs_rq (ct from the runqueue) */
};

/* ---- configuration written by userspace into .rodata before load ---- */
struct lt_cfg {
	__u64 csd_ipi_cb;        /* generic_smp_call_function_single_interrupt: the csd doorbell */
	__u64 ttwu_cb;           /* sched_ttwu_pending: what a wake_entry is counted as before 6.3 */
	__u64 nohz_full_mask[LT_MASK_WORDS];
	__u64 ct_addr;           /* &context_tracking (a per-CPU symbol), 0 if unknown */
	__u64 per_cpu_offset;    /* &__per_cpu_offset[0], 0 if unknown */
	__u64 mm_cachep_addr;    /* &mm_cachep, for the kmem_cache_free mmdrop fallback */
	__u64 race_window_ns;    /* what-if: a skipped target switching to the mm within this */
	__u32 sharing_period;    /* sample mm_cpumask weight every Nth lazy op */
	__u32 nr_cpu_ids;
	__u32 whatif;            /* evaluate what-if filters */
	__u32 empty;             /* benchmark floor: every program returns at once */
	__s32 ipi_irq;           /* powerpc: Linux irq number of the IPI line (/proc/interrupts), -1 */
	__u32 flush_fn_remote;   /* the flush_tlb_func hook is flush_tlb_func_remote (before 5.13) */
	__u32 senders;           /* count requests by sender (senders map) */
	__u32 sender_cpus_set;   /* ... only those to the CPUs of sender_cpus */
	__u32 stack_period;      /* a task's sender stack is re-taken every Nth request (1: all) */
	__u32 sender_pins;       /* count repeated senders in pinned per-CPU rows (sender_pins) */
	__u32 task_btf;          /* bpf_get_current_task_btf() and the kernel's BTF: fields read directly */
	__u64 sender_cpus[LT_MASK_WORDS];
	__u64 online_mask_addr;  /* &__cpu_online_mask (kallsyms), 0: use online_mask */
	__u64 online_mask[LT_MASK_WORDS]; /* CPUs online at start (sysfs) */
	__u64 init_mm_addr;      /* &init_mm (kallsyms): powerpc's exit flush switches lazy CPUs to it */
	/* CPU hotplug steps (kallsyms; cpuhp_enter's callback): finish_cpu, bringup_cpu or
	 * cpuhp_bringup_ap, and sched_cpu_wait_empty where it switches to init_mm (no idle_task_exit) */
	__u64 hp_finish_cpu, hp_bringup, hp_bringup_ap, hp_wait_empty;
	__u32 kentry;            /* kernel-entry hooks attached (defer-to-kernel-entry delays) */
	__u32 calls_at_queue;    /* before 6.3: calls counted where queued (fallback.bpf.h) */
	__u64 cond_tlb_fn;       /* the x86 TLB-flush cond_func hooked (cond_tlb), 0 none */
	/* without ct_addr/per_cpu_offset (kallsyms without data symbols): &context_tracking -
	 * &runqueues in the per-CPU area (their offsets in the BTF's .data..percpu), added to
	 * each CPU's runqueue address (on_switch) */
	__u64 ct_rq_delta;
	__u32 ct_from_rq;
	__u32 guest_pf_vcpu;     /* target state guest by PF_VCPU even where kvm_vcpu.mode is known */
	__u32 ftmr;              /* flush_tlb_mm_range hooked: its calls in flight are in ftmr_calls */
};

#endif /* LAZYTLB_H */
