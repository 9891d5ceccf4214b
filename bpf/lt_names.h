/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lt_names.h - every name lazytlb reports, once (X-macros). Each list generates its enum here
 * (for the BPF programs and the loader) and, in userspace/result/names.c, the name arrays that the
 * result writer, the summary and `lazytlb schema` use; the Python checks and the schema
 * document take the names from `lazytlb schema --json`. Adding a cause is one line here plus
 * its attribution (the callbacks that mean it: userspace/trace/causes.c).
 *
 * X(ID, "name", "what it is")
 */
#ifndef LT_NAMES_H
#define LT_NAMES_H

/* IPI causes, from the cross-CPU call's callback (userspace/trace/causes.c: the callback names of
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
	X(HRTICK, "hrtick", "the scheduler's high-resolution tick armed on another CPU: __hrtick_start") \
	X(POWERPC, "powerpc", "powerpc's own: do_serialize (serialize_against_pte_lookup)")            \
	X(OTHER, "other", "any other callback: listed by symbol in ipi.callbacks")

/* the state of the target CPU when an IPI is sent to it (a partition) */
#define LT_STATES(X)                                                                                  \
	X(IDLE, "idle", "the idle task")                                                              \
	X(USER, "user", "a user task; in user mode if context tracking says so")                      \
	X(KERNEL, "kernel", "a kernel thread not lazy on this mm, or a user task in kernel mode")     \
	X(LAZY, "lazy", "a kernel thread whose active_mm is the IPI's mm")                           \
	X(NOHZ_FULL, "nohz_full", "a nohz_full CPU running a user task (in user mode when known)")   \
	X(GUEST, "guest", "a KVM vCPU in guest mode (its kvm_vcpu.mode, else the task's PF_VCPU)")

/* tlb_flush tracepoint reasons (enum tlb_flush_reason, CO-RE mapped in core_fixes.bpf.h) */
#define LT_FLUSH_REASONS(X)                                                                           \
	X(TASK_SWITCH, "task_switch", "TLB_FLUSH_ON_TASK_SWITCH")                                     \
	X(REMOTE_SHOOTDOWN, "remote_shootdown", "TLB_REMOTE_SHOOTDOWN: a flush run for another CPU")  \
	X(LOCAL_SHOOTDOWN, "local_shootdown", "TLB_LOCAL_SHOOTDOWN")                                  \
	X(LOCAL_MM_SHOOTDOWN, "local_mm_shootdown", "TLB_LOCAL_MM_SHOOTDOWN")                         \
	X(REMOTE_SEND_IPI, "remote_send_ipi", "TLB_REMOTE_SEND_IPI: one per flush_tlb_multi")          \
	X(REMOTE_WRONG_CPU, "remote_wrong_cpu", "TLB_REMOTE_WRONG_CPU")                               \
	X(UNKNOWN, "unknown", "a reason this build does not know")

/* what-if filters proposed on LKML (docs/whatif.md) */
#define LT_FILTERS(X)                                                                                 \
	X(TARGET_IDLE, "target-idle", "do not send an mm's IPI (TLB flush, shoot-lazies, exit flush, " \
		"membarrier, table sync) to a CPU running the idle task (Piggin, 2020)")             \
	X(TARGET_LAZY, "target-lazy", "do not send an mm's IPI to a kernel thread or idle CPU lazy on " \
		"that mm (van Riel, 2018)")                                                         \
	X(CURR_MM_DIFFERS, "curr-mm-differs", "do not send an mm's IPI to a CPU whose rq->curr "     \
		"active_mm is another mm (Zijlstra, 2020)")                                         \
	X(TARGET_NOT_KERNEL, "target-not-kernel", "do not IPI a CPU context tracking says is not in "  \
						  "kernel mode (Podemsky, 2023)")                          \
	X(REDUNDANT_TABLE_SYNC, "redundant-table-sync", "tlb_remove_table_sync_one only to CPUs that "  \
		"may walk the mm's tables: not idle, not another mm, not in user mode (Podemsky, 2023)")  \
	X(DEFER_KENTRY, "defer-to-kernel-entry", "kernel-only IPIs (kernel TLB flush, text patching) "  \
		"to a nohz_full CPU in user mode or idle wait for its next kernel entry (Schneider, 2023-25)") \
	X(BROADCAST_FLUSH, "broadcast-flush", "user and kernel TLB flushes by broadcast invalidation, " \
		"no IPI (AMD INVLPGB: van Riel, x86 6.15+)")

/* the hooks: each is a BPF program <name>__<mode> (and <name>_exit__<mode> where it times a
 * function) in bpf/lazytlb.bpf.c; userspace/trace/probes.c says where each attaches and which
 * variants it has, in order of preference */
#define LT_HOOKS(X)                                                                                       \
	X(SCHED_SWITCH, "sched_switch", "context switches: prev/next mm, lazy grabs and drops")               \
	X(IPI_SEND_CPU, "ipi_send_cpu", "hardware IPIs raised to one CPU (resched, csd doorbell)")            \
	X(IPI_SEND_CPUMASK, "ipi_send_cpumask", "hardware IPIs raised to a CPU mask")                         \
	X(CSD_QUEUE_CPU, "csd_queue_cpu", "cross-CPU calls queued, by callback (IPI cause) and target")       \
	X(CSD_FUNCTION_ENTRY, "csd_function_entry", "cross-CPU calls executed (remote TLB flushes, shoot-lazies)") \
	X(TLB_FLUSH, "tlb_flush", "TLB flushes by reason")                                                    \
	X(CPU_IDLE, "cpu_idle", "idle entry/exit, for idle wakeups")                                          \
	X(PROCESS_EXIT, "process_exit", "exit_mm's lazy mm reference (an exiting task goes lazy)")            \
	X(CALL_FUNCTION_ENTRY, "call_function_entry", "x86 function-call IPI vector (CAL)")                   \
	X(CALL_FUNCTION_SINGLE_ENTRY, "call_function_single_entry", "x86 single function-call IPI vector (CAL)") \
	X(RESCHEDULE_ENTRY, "reschedule_entry", "x86 reschedule IPI vector (RES)")                            \
	X(CALL_FUNCTION_EXIT, "call_function_exit", "x86 function-call IPI handler end (nohz_full disturbance)") \
	X(CALL_FUNCTION_SINGLE_EXIT, "call_function_single_exit", "x86 single function-call IPI handler end") \
	X(RESCHEDULE_EXIT, "reschedule_exit", "x86 reschedule IPI handler end")                               \
	X(MMDROP, "mmdrop", "__mmdrop: mm teardown")                                                          \
	X(SHOOT_LAZY, "shoot_lazy", "do_shoot_lazy_tlb (MMU_LAZY_TLB_SHOOTDOWN)")                             \
	X(EXIT_FLUSH_LAZY, "exit_flush_lazy", "do_exit_flush_lazy_tlb (powerpc radix)")                       \
	X(FLUSH_TLB_MM_RANGE, "flush_tlb_mm_range", "flush_tlb_mm_range duration")                            \
	X(FINISH_TASK_SWITCH, "finish_task_switch", "finish_task_switch duration (lazy drop or not)")         \
	X(TABLE_SYNC, "table_sync", "tlb_remove_table_sync_one (page-table free IPI)")                        \
	X(MEMBARRIER, "membarrier", "membarrier(2) calls")                                                    \
	X(FLUSH_TLB_FUNC, "flush_tlb_func", "x86 flush_tlb_func runs for another CPU (fallback)")             \
	X(CALL_MANY, "call_many", "calls queued to a CPU mask: their callback (fallback)")                    \
	X(CALL_SINGLE_QUEUE, "call_single_queue", "calls queued to one CPU: their callback (fallback)")       \
	X(SEND_MASK_FN, "send_mask_fn", "function-call IPIs raised to a mask (fallback)")                     \
	X(SEND_SINGLE_FN, "send_single_fn", "function-call IPIs raised to one CPU (fallback)")                \
	X(SEND_RESCHED_FN, "send_resched_fn", "reschedule IPIs (fallback)")                                   \
	X(IPI_IRQ, "ipi_irq", "powerpc muxed IPI interrupt (irq_handler_entry/exit on the IPI line)")         \
	X(DOORBELL, "doorbell", "powerpc doorbell IPIs (between threads of a core)")                         \
	X(KENTRY_SYSCALL, "kentry_syscall", "syscall entry: a kernel entry (defer-to-kernel-entry delays)")  \
	X(KENTRY_FAULT, "kentry_fault", "x86 user page fault: a kernel entry")                              \
	X(KENTRY_TICK, "kentry_tick", "x86 local timer interrupt: a kernel entry")                          \
	X(EXEC_LAZY, "exec_lazy", "begin_new_exec by a task without an mm: exec_mmap drops its lazy mm") \
	X(USE_MM, "use_mm", "kthread_use_mm: a kernel thread adopts a user mm (a grab and a drop)")        \
	X(UNUSE_MM, "unuse_mm", "kthread_unuse_mm: the kernel thread goes lazy on that mm")              \
	X(KVM_ENTRY, "kvm_entry", "KVM enters a vCPU's guest mode on this CPU (target state guest)")     \
	X(KVM_EXIT, "kvm_exit", "KVM left guest mode on this CPU")                                       \
	X(PPC_TLBIE, "ppc_tlbie", "powerpc TLB invalidations issued: global tlbie (broadcast), local tlbiel") \
	X(CPUHP, "cpuhp", "CPU hotplug steps: the mm references an offline and an online take and drop") \
	X(EXEC_SINGLE, "exec_single", "generic_exec_single: a call queued to one CPU (fallback)")             \
	X(COND_TLB, "cond_tlb", "x86 TLB-flush target filter, its verdict per CPU (fallback)")

/* the variants of a hook, by how it attaches */
#define LT_MODES(X)                                                                                       \
	X(TP_BTF, "tp_btf", "BTF-typed raw tracepoint")                                                       \
	X(RAW_TP, "raw_tp", "raw tracepoint")                                                                 \
	X(TRACEPOINT, "tracepoint", "classic tracepoint (perf event)")                                        \
	X(FENTRY, "fentry", "function entry (fexit at return), BPF trampoline")                               \
	X(KPROBE, "kprobe", "kprobe (kretprobe at return)")

#define LT_X_ENUM(prefix) LT_X_ENUM_##prefix
#define LT_X_ENUM_CAUSE(id, name, doc) LT_CAUSE_##id,
#define LT_X_ENUM_STATE(id, name, doc) LT_STATE_##id,
#define LT_X_ENUM_FR(id, name, doc) LT_FR_##id,
#define LT_X_ENUM_F(id, name, doc) LT_F_##id,
#define LT_X_ENUM_HOOK(id, name, doc) H_##id,
#define LT_X_ENUM_MODE(id, name, doc) M_##id,

enum lt_cause { LT_CAUSES(LT_X_ENUM_CAUSE) LT_NR_CAUSES };
/* a cause index masked for the verifier (bpf/lazytlb.bpf.c on_request): causes fit in 16 */
#define LT_CAUSE_IDX_MASK 15
_Static_assert(LT_NR_CAUSES <= LT_CAUSE_IDX_MASK + 1, "causes outgrew LT_CAUSE_IDX_MASK");
enum lt_state { LT_STATES(LT_X_ENUM_STATE) LT_NR_STATES };
enum lt_flush_reason { LT_FLUSH_REASONS(LT_X_ENUM_FR) LT_NR_FLUSH_REASONS };
enum lt_filter { LT_FILTERS(LT_X_ENUM_F) LT_NR_FILTERS };
/* the filters whose skip is unsafe if the target then switches to the mm: race exposure is
 * tracked for these (the first ones); a deferred or broadcast flush still reaches the CPU */
#define LT_NR_RACE_FILTERS (LT_F_REDUNDANT_TABLE_SYNC + 1)
enum lt_hook { LT_HOOKS(LT_X_ENUM_HOOK) H_NR_HOOKS };
enum lt_mode { LT_MODES(LT_X_ENUM_MODE) M_NR_MODES };

#endif
