/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core_fixes.bpf.h - every kernel-version and config difference the BPF side
 * meets, one commented helper per change, resolved with CO-RE at load time
 * (never LINUX_VERSION_CODE). The `___suffix` structs below are CO-RE
 * "flavours": they describe a field layout that only some kernels have.
 */
#ifndef LT_CORE_FIXES_BPF_H
#define LT_CORE_FIXES_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "lazytlb.h"

/*
 * mm_cpumask(): the CPU bitmap at the end of struct mm_struct was called
 * `cpu_bitmap[]` until v6.8 and is `flexible_array[]` (shared with the mm_cid
 * masks) in some later kernels. Returns the address of the first word.
 */
struct mm_struct___flex {
	unsigned long flexible_array[0];
} __attribute__((preserve_access_index));

static __always_inline const unsigned long *lt_mm_cpumask(struct mm_struct *mm)
{
	if (bpf_core_field_exists(struct mm_struct___flex, flexible_array))
		return (const unsigned long *)((char *)mm +
			bpf_core_field_offset(struct mm_struct___flex, flexible_array));
	return (const unsigned long *)((char *)mm + bpf_core_field_offset(struct mm_struct, cpu_bitmap));
}

/*
 * x86 6.15+ (INVLPGB): an mm active on enough CPUs gets a global ASID, mm->context.global_asid,
 * and flush_tlb_mm_range then flushes it by broadcast (arch/x86/mm/tlb.c mm_global_asid(),
 * 7.2). 0 where the field does not exist (older kernels, powerpc). The nested struct is
 * matched by its members, whatever the kernel's typedef of mm_context_t is called.
 */
struct lt_mm_context___gasid {
	u16 global_asid;
};
struct mm_struct___gasid {
	struct lt_mm_context___gasid context;
};

static __always_inline __u32 lt_mm_global_asid(struct mm_struct *mm)
{
	if (!bpf_core_field_exists(struct mm_struct___gasid, context.global_asid))
		return 0;
	return BPF_CORE_READ((struct mm_struct___gasid *)mm, context.global_asid);
}

/*
 * mm->mm_count: an atomic_t in every kernel we support; kept here because it
 * moved into an anonymous struct (v6.0) and CO-RE finds it either way.
 */
static __always_inline int lt_mm_count(struct mm_struct *mm)
{
	return BPF_CORE_READ(mm, mm_count.counter);
}

/*
 * Is the vCPU KVM entered last on a CPU still in guest mode? kvm_vcpu.mode is IN_GUEST_MODE
 * (1) from just before the entry to just after the exit, both with interrupts off (x86
 * vcpu_enter_guest 5.10-7.2): what kvm_vcpu_kick reads to decide an IPI is needed. struct
 * kvm_vcpu is in vmlinux's BTF (Debian 5.10's, or any with KVM built in) or the kvm module's
 * (5.11+); where no BTF has it the task's PF_VCPU stands in (0x1, include/linux/sched.h 5.10-7.2; set
 * by guest_enter_irqoff / guest_timing_enter_irqoff), which is cleared after the interrupt
 * window that follows the exit: an IPI taken there counts as sent to a guest. `task` is kept
 * from sched_switch: task_structs are RCU-freed, a stale one still reads.
 */
struct kvm_vcpu___lt {
	int mode;
} __attribute__((preserve_access_index));

#define LT_PF_VCPU 0x00000001
#define LT_IN_GUEST_MODE 1

static __always_inline bool lt_in_guest(const struct lt_cpu_state *cs, bool pf_vcpu_only)
{
	/* copied out first: inside BPF_CORE_READ the access to our own struct would be
	 * relocated against the kernel's BTF too */
	struct kvm_vcpu___lt *vcpu = (struct kvm_vcpu___lt *)cs->vcpu;
	struct task_struct *task = (struct task_struct *)cs->task;

	if (vcpu && !pf_vcpu_only && bpf_core_field_exists(struct kvm_vcpu___lt, mode))
		return BPF_CORE_READ(vcpu, mode) == LT_IN_GUEST_MODE;
	return task && (BPF_CORE_READ(task, flags) & LT_PF_VCPU);
}

/*
 * Context tracking, per CPU. What the kernel keeps there:
 *  - user mode, only where user tracking is on: `active` (CONFIG_CONTEXT_TRACKING_USER, the
 *    nohz_full kernels) and set on that CPU (a nohz_full CPU, or CONTEXT_TRACKING_USER_FORCE);
 *  - idle (the RCU extended quiescent state around the idle instruction, ct_idle_enter) on
 *    every CPU of a TREE_RCU kernel since v5.19 (CONFIG_CONTEXT_TRACKING_IDLE, selected by
 *    TREE_RCU: kernel/rcu/Kconfig 6.1-7.2), user tracking or not: this host's 6.18 has it
 *    without CONTEXT_TRACKING_USER.
 * The state's low bits: enum ctx_state (CONTEXT_KERNEL 0, CONTEXT_USER 1 before v5.19;
 * CONTEXT_IDLE 1 and CONTEXT_USER 2 from v5.19, renamed CT_STATE_* in v6.12), with RCU's
 * counter above them since v5.19. The values are read by name (CO-RE).
 * Returns 1 user (or idle), 0 kernel, -1 unknown (kernel or user: not tracked here). The
 * per-CPU address is computed by the caller: from kallsyms, else lt_ct_from_rq() below (no
 * typed ksyms: kernels without BTF must load this object too).
 */
struct context_tracking___user {
	bool active;
	atomic_t state;
} __attribute__((preserve_access_index));

enum ctx_state___old { CONTEXT_KERNEL___old = 0, CONTEXT_IDLE___old = 1, CONTEXT_USER___old = 2 };

/* before v5.19 `state` was an enum ctx_state, not an atomic_t: CO-RE matches neither by the other */
struct context_tracking___enum {
	enum ctx_state___old state;
} __attribute__((preserve_access_index));

static __always_inline int lt_ct_user_mode(unsigned long ct)
{
	bool active = false;
	int state = 0, user, idle = -2;
	__u32 off;

	if (!ct)
		return -1;
	if (bpf_core_field_exists(struct context_tracking___user, state))
		off = bpf_core_field_offset(struct context_tracking___user, state);
	else if (bpf_core_field_exists(struct context_tracking___enum, state))
		off = bpf_core_field_offset(struct context_tracking___enum, state);
	else
		return -1;
	if (bpf_core_field_exists(struct context_tracking___user, active) &&
	    bpf_probe_read_kernel(&active, sizeof(active),
				  (void *)(ct + bpf_core_field_offset(struct context_tracking___user, active))))
		return -1;
	if (bpf_probe_read_kernel(&state, sizeof(state), (void *)(ct + off)))
		return -1;
	if (bpf_core_enum_value_exists(enum ctx_state, CT_STATE_USER)) {
		user = bpf_core_enum_value(enum ctx_state, CT_STATE_USER);
		idle = bpf_core_enum_value(enum ctx_state, CT_STATE_IDLE);
	} else {
		user = bpf_core_enum_value(enum ctx_state___old, CONTEXT_USER___old);
		if (bpf_core_enum_value_exists(enum ctx_state___old, CONTEXT_IDLE___old))
			idle = bpf_core_enum_value(enum ctx_state___old, CONTEXT_IDLE___old);
	}
	state &= 3;
	if (state == idle)
		return 1;
	if (!active) /* kernel and user look alike */
		return -1;
	return state == user ? 1 : 0;
}

/*
 * Context tracking's per-CPU address where kallsyms lists no data symbols (no KALLSYMS_ALL:
 * this host's 6.18; the kernel's typed ksyms resolve through kallsyms too, so they fail there
 * as well). Two per-CPU variables lie as far apart in every CPU's area as in the BTF's
 * .data..percpu (userspace gives the distance, delta); the base is this CPU's runqueue, the
 * rq of the task switching in: next->se.cfs_rq->rq (cfs_rq.rq and sched_entity.cfs_rq exist
 * with CONFIG_FAIR_GROUP_SCHED, 5.10-7.2; set_task_rq() points every task's cfs_rq, the idle
 * task's too, at its CPU's). Checked by rq->cpu. 0 unknown.
 */
struct cfs_rq___grp {
	struct rq *rq;
} __attribute__((preserve_access_index));

struct sched_entity___grp {
	struct cfs_rq___grp *cfs_rq;
} __attribute__((preserve_access_index));

struct task_struct___grp {
	struct sched_entity___grp se;
} __attribute__((preserve_access_index));

static __always_inline __u64 lt_ct_from_rq(__u64 task, __u32 cpu, __u64 delta)
{
	struct task_struct___grp *t = (void *)task;
	struct rq *rq;

	if (!t || !bpf_core_field_exists(struct cfs_rq___grp, rq) ||
	    !bpf_core_field_exists(struct sched_entity___grp, cfs_rq))
		return 0;
	rq = BPF_CORE_READ(t, se.cfs_rq, rq);
	if (!rq || BPF_CORE_READ(rq, cpu) != (int)cpu)
		return 0;
	return (__u64)rq + delta;
}

/*
 * tlb_flush reasons: enum tlb_flush_reason is x86-only and gained
 * TLB_REMOTE_WRONG_CPU in v6.8; numbering may differ, so map by name. The
 * ___lt flavour lets this compile against any architecture's vmlinux.h.
 */
enum tlb_flush_reason___lt {
	TLB_FLUSH_ON_TASK_SWITCH___lt,
	TLB_REMOTE_SHOOTDOWN___lt,
	TLB_LOCAL_SHOOTDOWN___lt,
	TLB_LOCAL_MM_SHOOTDOWN___lt,
	TLB_REMOTE_SEND_IPI___lt,
	TLB_REMOTE_WRONG_CPU___lt,
};

#define LT_REASON(name, ours)                                                            \
	if (bpf_core_enum_value_exists(enum tlb_flush_reason___lt, name##___lt) &&        \
	    r == bpf_core_enum_value(enum tlb_flush_reason___lt, name##___lt))           \
		return ours;

static __always_inline __u32 lt_flush_reason(int r)
{
	LT_REASON(TLB_FLUSH_ON_TASK_SWITCH, LT_FR_TASK_SWITCH)
	LT_REASON(TLB_REMOTE_SHOOTDOWN, LT_FR_REMOTE_SHOOTDOWN)
	LT_REASON(TLB_LOCAL_SHOOTDOWN, LT_FR_LOCAL_SHOOTDOWN)
	LT_REASON(TLB_LOCAL_MM_SHOOTDOWN, LT_FR_LOCAL_MM_SHOOTDOWN)
	LT_REASON(TLB_REMOTE_SEND_IPI, LT_FR_REMOTE_SEND_IPI)
	LT_REASON(TLB_REMOTE_WRONG_CPU, LT_FR_REMOTE_WRONG_CPU)
	return LT_FR_UNKNOWN;
}

/*
 * struct flush_tlb_info (x86 only): the IPI argument of flush_tlb_func. Its
 * fields changed over time (`initiating_cpu` came with concurrent local/remote
 * flushing, `freed_tables` with the page-table-freeing flush), so each field is
 * checked on its own. Other architectures do not have the type at all.
 */
struct flush_tlb_info___lt {
	struct mm_struct *mm;
	unsigned int initiating_cpu;
	__u8 freed_tables;
} __attribute__((preserve_access_index));

static __always_inline bool lt_have_flush_tlb_info(void)
{
	return bpf_core_type_exists(struct flush_tlb_info___lt);
}

/* mm of a flush_tlb_info, 0 when the type is unknown on this kernel */
static __always_inline __u64 lt_flush_info_mm(const void *info)
{
	if (!info || !bpf_core_field_exists(struct flush_tlb_info___lt, mm))
		return 0;
	return (__u64)BPF_CORE_READ((struct flush_tlb_info___lt *)info, mm);
}

/* freed_tables: 0 no, 1 yes, 2 unknown */
static __always_inline __u32 lt_flush_info_freed_tables(const void *info)
{
	if (!info || !bpf_core_field_exists(struct flush_tlb_info___lt, freed_tables))
		return 2;
	return BPF_CORE_READ((struct flush_tlb_info___lt *)info, freed_tables) ? 1 : 0;
}

/* initiating CPU, or -1 when unknown: the x86 TLB counter in /proc/interrupts
 * counts flush_tlb_func runs with initiating_cpu != this CPU */
static __always_inline int lt_flush_info_initiator(const void *info)
{
	if (!info || !bpf_core_field_exists(struct flush_tlb_info___lt, initiating_cpu))
		return -1;
	return (int)BPF_CORE_READ((struct flush_tlb_info___lt *)info, initiating_cpu);
}

/*
 * A node queued by __smp_call_single_queue() is a call_single_data (a cross-CPU
 * function call), an irq_work, or a task's wake_entry: the scheduler's remote
 * wakeup list (TTWU, v5.8+). The type is in the node's u_flags: CSD_TYPE_TTWU
 * (0x30) under CSD_FLAG_TYPE_MASK (0xf0), include/linux/smp_types.h, unchanged
 * since v5.10.
 */
static __always_inline bool lt_csd_node_is_ttwu(struct __call_single_data *csd)
{
	return (BPF_CORE_READ(csd, node.u_flags) & 0xf0) == 0x30;
}

/* CSD_TYPE_IRQ_WORK (0x20), the same header: irq_work_queue_on() queues the irq_work's
 * node, whose csd->func is the irq_work's own func (5.10-7.2) */
static __always_inline bool lt_csd_node_is_irq_work(struct __call_single_data *csd)
{
	return csd && (BPF_CORE_READ(csd, node.u_flags) & 0xf0) == 0x20;
}

#endif
