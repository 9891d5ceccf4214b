/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lt_names.h - every name lazytlb reports, once (X-macros). Each list generates its enum here
 * (for the BPF programs and the loader) and, in userspace/names.c, the name arrays that the
 * result writer, the summary and `lazytlb schema` use; the Python checks and the schema
 * document take the names from `lazytlb schema --json`. Adding a cause is one line here plus
 * its attribution (the callbacks that mean it: userspace/collector.c).
 *
 * X(ID, "name", "what it is")
 */
#ifndef LT_NAMES_H
#define LT_NAMES_H

/* IPI causes, from the cross-CPU call's callback (userspace/causes.c: the callback names of
 * each cause on every kernel from 5.10, resolved from kallsyms at start) */
#define LT_CAUSES(X)                                                                                  \
	X(TLB_FLUSH, "tlb_flush", "user TLB flush: x86 flush_tlb_func (5.13+; flush_tlb_func_remote "  \
				  "before), powerpc radix do_tlbiel_pid/va/va_range")                  \
	X(SHOOT_LAZY, "shoot_lazy", "do_shoot_lazy_tlb: a shootdown kernel's __mmdrop clearing lazy users") \
	X(EXIT_FLUSH_LAZY, "exit_flush_lazy", "do_exit_flush_lazy_tlb (powerpc radix, exit_lazy_flush_tlb)") \
	X(MEMBARRIER, "membarrier", "membarrier(2): ipi_mb, ipi_sync_core, ipi_rseq, ipi_sync_rq_state") \
	X(TABLE_SYNC, "table_sync", "tlb_remove_table_smp_sync: page-table freeing vs lockless walkers") \
	X(RESCHED, "resched", "reschedule IPI (no callback: smp_send_reschedule)")                    \
	X(WAKEUP, "wakeup", "remote wakeup: a task queued on the target's wake list (sched_ttwu_pending)") \
	X(KERNEL_TLB_FLUSH, "kernel_tlb_flush", "kernel-address TLB flush: x86 do_flush_tlb_all, "      \
						"do_kernel_range_flush, __cpa_flush_*; powerpc do_tlbiel_kernel") \
	X(TEXT_PATCHING, "text_patching", "live kernel text patching: x86 do_sync_core (text_poke_sync)") \
	X(RCU_EXPEDITED, "rcu_expedited", "expedited RCU grace period: rcu_exp_handler")              \
	X(IRQ_WORK, "irq_work", "an irq_work queued on another CPU (csd type IRQ_WORK, any callback)") \
	X(NOHZ_KICK, "nohz_kick", "nohz kicks: nohz_csd_func (idle load balance), nohz_full_kick_func") \
	X(POWERPC, "powerpc", "powerpc's own: do_serialize (serialize_against_pte_lookup)")            \
	X(OTHER, "other", "any other callback: listed by symbol in ipi.callbacks")

/* the state of the target CPU when an IPI is sent to it (a partition) */
#define LT_STATES(X)                                                                                  \
	X(IDLE, "idle", "the idle task")                                                              \
	X(USER, "user", "a user task; in user mode if context tracking says so")                      \
	X(KERNEL, "kernel", "a kernel thread not lazy on this mm, or a user task in kernel mode")     \
	X(LAZY, "lazy", "a kernel thread whose active_mm is the IPI's mm")                           \
	X(NOHZ_FULL, "nohz_full", "a nohz_full CPU running a user task (in user mode when known)")

/* tlb_flush tracepoint reasons (enum tlb_flush_reason, CO-RE mapped in core_fixes.bpf.h) */
#define LT_FLUSH_REASONS(X)                                                                           \
	X(TASK_SWITCH, "task_switch", "TLB_FLUSH_ON_TASK_SWITCH")                                     \
	X(REMOTE_SHOOTDOWN, "remote_shootdown", "TLB_REMOTE_SHOOTDOWN: a flush run for another CPU")  \
	X(LOCAL_SHOOTDOWN, "local_shootdown", "TLB_LOCAL_SHOOTDOWN")                                  \
	X(LOCAL_MM_SHOOTDOWN, "local_mm_shootdown", "TLB_LOCAL_MM_SHOOTDOWN")                         \
	X(REMOTE_SEND_IPI, "remote_send_ipi", "TLB_REMOTE_SEND_IPI: one per flush_tlb_multi")          \
	X(REMOTE_WRONG_CPU, "remote_wrong_cpu", "TLB_REMOTE_WRONG_CPU")                               \
	X(UNKNOWN, "unknown", "a reason this build does not know")

/* what-if filters proposed on LKML (README: sources) */
#define LT_FILTERS(X)                                                                                 \
	X(TARGET_IDLE, "target-idle", "do not IPI a CPU running the idle task (Piggin, 2020)")       \
	X(TARGET_LAZY, "target-lazy", "do not IPI a kernel thread or idle CPU lazy on the IPI's mm "  \
				      "(van Riel, 2018)")                                            \
	X(CURR_MM_DIFFERS, "curr-mm-differs", "do not IPI a CPU whose rq->curr active_mm is not the "  \
					      "IPI's mm (Zijlstra, 2020)")                             \
	X(TARGET_NOT_KERNEL, "target-not-kernel", "do not IPI a CPU context tracking says is not in "  \
						  "kernel mode (Podemsky, 2023)")

#define LT_X_ENUM(prefix) LT_X_ENUM_##prefix
#define LT_X_ENUM_CAUSE(id, name, doc) LT_CAUSE_##id,
#define LT_X_ENUM_STATE(id, name, doc) LT_STATE_##id,
#define LT_X_ENUM_FR(id, name, doc) LT_FR_##id,
#define LT_X_ENUM_F(id, name, doc) LT_F_##id,

enum lt_cause { LT_CAUSES(LT_X_ENUM_CAUSE) LT_NR_CAUSES };
enum lt_state { LT_STATES(LT_X_ENUM_STATE) LT_NR_STATES };
enum lt_flush_reason { LT_FLUSH_REASONS(LT_X_ENUM_FR) LT_NR_FLUSH_REASONS };
enum lt_filter { LT_FILTERS(LT_X_ENUM_F) LT_NR_FILTERS };

#endif
