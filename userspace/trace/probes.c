// SPDX-License-Identifier: GPL-2.0
/* probes.c - hook table and variant probing (see probes.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "lib/kallsyms.h"
#include "probes.h"
#include "lib/procfs.h"


#define TP_MODES { M_TP_BTF, M_RAW_TP, M_TRACEPOINT }, 3
#define TP_MODES_NO_CLASSIC { M_TP_BTF, M_RAW_TP }, 2
#define FN_MODES { M_FENTRY, M_KPROBE }, 2

const struct hook_def lt_hooks[H_NR_HOOKS] = {
	[H_SCHED_SWITCH] = { "sched/sched_switch", {}, TP_MODES_NO_CLASSIC },
	[H_IPI_SEND_CPU] = { "ipi/ipi_send_cpu", {}, TP_MODES },
	[H_IPI_SEND_CPUMASK] = { "ipi/ipi_send_cpumask", {}, TP_MODES_NO_CLASSIC },
	/* raw_tp first: tp_btf rejects reading the callback (a function pointer argument:
	 * "invalid bpf_context access" on 6.12 and 6.18; btf_ctx_access takes it as a scalar in
	 * 7.2) and raw_tp reads the same arguments. Each failed variant costs a load round, a
	 * full verification (~8 s in a TCG guest): tp_btf first cost two on every 6.3+ kernel */
	[H_CSD_QUEUE_CPU] = { "csd/csd_queue_cpu", {}, { M_RAW_TP, M_TP_BTF, M_TRACEPOINT }, 3 },
	[H_CSD_FUNCTION_ENTRY] = { "csd/csd_function_entry", {}, { M_RAW_TP, M_TP_BTF, M_TRACEPOINT }, 3 },
	[H_TLB_FLUSH] = { "tlb/tlb_flush", {}, TP_MODES },
	[H_CPU_IDLE] = { "power/cpu_idle", {}, TP_MODES },
	[H_PROCESS_EXIT] = { "sched/sched_process_exit", {}, TP_MODES },
	[H_CALL_FUNCTION_ENTRY] = { "irq_vectors/call_function_entry", {}, TP_MODES, false, "x86" },
	[H_CALL_FUNCTION_SINGLE_ENTRY] = { "irq_vectors/call_function_single_entry", {}, TP_MODES, false, "x86" },
	[H_RESCHEDULE_ENTRY] = { "irq_vectors/reschedule_entry", {}, TP_MODES, false, "x86" },
	[H_CALL_FUNCTION_EXIT] = { "irq_vectors/call_function_exit", {}, TP_MODES, false, "x86" },
	[H_CALL_FUNCTION_SINGLE_EXIT] = { "irq_vectors/call_function_single_exit", {}, TP_MODES, false, "x86" },
	[H_RESCHEDULE_EXIT] = { "irq_vectors/reschedule_exit", {}, TP_MODES, false, "x86" },
	/* __mmdrop: the function where possible; else its free_mm() tail, seen as
	 * kmem_cache_free() of the mm_struct cache */
	[H_MMDROP] = { "kmem/kmem_cache_free", { "__mmdrop" },
		       { M_FENTRY, M_KPROBE, M_TP_BTF, M_RAW_TP }, 4 },
	[H_SHOOT_LAZY] = { NULL,
			   { "do_shoot_lazy_tlb" }, FN_MODES },
	[H_EXIT_FLUSH_LAZY] = { NULL,
				{ "do_exit_flush_lazy_tlb" }, FN_MODES },
	[H_FLUSH_TLB_MM_RANGE] = { NULL,
				   { "flush_tlb_mm_range" }, FN_MODES, true },
	[H_FINISH_TASK_SWITCH] = { NULL,
				   { "finish_task_switch" }, FN_MODES, true },
	/* tlb_remove_table_sync_mm: kernels-config/custom/table-sync-mm.patch moves khugepaged's
	 * call (the one the redundant-table-sync what-if is about) there */
	[H_TABLE_SYNC] = { NULL,
			   { "tlb_remove_table_sync_mm", "tlb_remove_table_sync_one" }, FN_MODES },
	[H_MEMBARRIER] = { "syscalls/sys_enter_membarrier",
			   { "__x64_sys_membarrier", "__se_sys_membarrier", "sys_membarrier" },
			   { M_TRACEPOINT, M_FENTRY, M_KPROBE }, 3, true /* sys_exit_membarrier */,
			   .exit_whatif = true /* the kernel's skips, evaluated at the exit */ },
	/* kernels without the csd tracepoints (before v6.3): the remote TLB flushes
	 * that /proc/interrupts counts, at the callback itself: flush_tlb_func (5.13+,
	 * local and remote, told apart by initiating_cpu) or flush_tlb_func_remote
	 * (before 5.13, remote only: 5.10 arch/x86/mm/tlb.c counts irq_tlb_count there) */
	[H_FLUSH_TLB_FUNC] = { NULL,
			       { "flush_tlb_func", "flush_tlb_func_remote" }, FN_MODES, false, "x86",
			       H_CSD_FUNCTION_ENTRY + 1 },
	/* kernels without the ipi and csd tracepoints (before v6.3): the call being queued,
	 * then the arch function raising the IPI for it (bpf/lazytlb.bpf.c explains) */
	/* kprobe first: fentry cannot read its cond_func (a function pointer) on 5.10-6.2, and
	 * each failed variant costs a load round (the csd hooks above) */
	[H_CALL_MANY] = { NULL, { "smp_call_function_many_cond" }, { M_KPROBE, M_FENTRY }, 2, false, NULL,
			  H_CSD_QUEUE_CPU + 1 },
	[H_CALL_SINGLE_QUEUE] = { NULL,
				  { "__smp_call_single_queue" }, FN_MODES, false, NULL, H_CSD_QUEUE_CPU + 1 },
	[H_SEND_MASK_FN] = { NULL,
			     { "native_send_call_func_ipi", "arch_send_call_function_ipi_mask" }, FN_MODES, false, NULL,
			     H_IPI_SEND_CPUMASK + 1 },
	[H_SEND_SINGLE_FN] = { NULL,
			       { "native_send_call_func_single_ipi", "arch_send_call_function_single_ipi" }, FN_MODES,
			       false, NULL, H_IPI_SEND_CPU + 1 },
	[H_SEND_RESCHED_FN] = { NULL,
				{ "native_smp_send_reschedule", "arch_smp_send_reschedule", "smp_send_reschedule" },
				FN_MODES, false, NULL, H_IPI_SEND_CPU + 1 },
	/* powerpc: IPIs received, as x86's irq_vectors (bpf/lazytlb.bpf.c on_ipi_irq) */
	[H_IPI_IRQ] = { "irq/irq_handler_entry", {}, TP_MODES, true, "powerpc" },
	[H_DOORBELL] = { "powerpc/doorbell_entry", {}, TP_MODES, true, "powerpc" },
	/* kernel entries of a nohz_full CPU: the end of a defer-to-kernel-entry delay (idle exits
	 * and reschedule IPIs end it too, in their own programs) */
	[H_KENTRY_SYSCALL] = { "raw_syscalls/sys_enter", {}, TP_MODES, .kentry = true },
	[H_KENTRY_FAULT] = { "exceptions/page_fault_user", {}, TP_MODES, false, "x86", .kentry = true },
	[H_KENTRY_TICK] = { "irq_vectors/local_timer_entry", {}, TP_MODES, false, "x86", .kentry = true },
	/* exec_mmap() is static and inlined (6.18: no symbol); begin_new_exec calls it */
	[H_EXEC_LAZY] = { NULL, { "begin_new_exec" }, FN_MODES },
	/* exported, out of line, 5.10-7.2 (kernel/kthread.c) */
	[H_USE_MM] = { NULL, { "kthread_use_mm" }, FN_MODES },
	[H_UNUSE_MM] = { NULL, { "kthread_unuse_mm" }, FN_MODES },
	/* the kvm module's (x86 arch/x86/kvm/trace.h 5.10-7.2, arm64 trace_arm.h): there while it
	 * is loaded; without it no CPU runs a KVM guest */
	[H_KVM_ENTRY] = { "kvm/kvm_entry", {}, { M_RAW_TP, M_TRACEPOINT }, 2 },
	[H_KVM_EXIT] = { "kvm/kvm_exit", {}, { M_RAW_TP, M_TRACEPOINT }, 2 },
	/* powerpc flushes other CPUs' TLBs without IPIs by global tlbie (radix_tlb.c 5.10-7.2) */
	[H_PPC_TLBIE] = { "powerpc/tlbie", {}, TP_MODES, false, "powerpc" },
	/* raw_tp first: the callback argument is a function pointer (see the csd hooks) */
	[H_CPUHP] = { "cpuhp/cpuhp_enter", {}, { M_RAW_TP, M_TP_BTF, M_TRACEPOINT }, 3 },
	/* before v6.3, calls counted where queued (bpf/fallback.bpf.h): generic_exec_single, which
	 * may inline __smp_call_single_queue (6.1), and x86's TLB-flush cond_func, whose verdict
	 * per CPU decides which targets of a flush get a call (should_flush_tlb in 6.1 stable
	 * and 6.14+, tlb_is_not_lazy 4.19-6.13) */
	[H_EXEC_SINGLE] = { NULL, { "generic_exec_single" }, FN_MODES, false, NULL, H_CSD_QUEUE_CPU + 1 },
	[H_COND_TLB] = { NULL, { "should_flush_tlb", "tlb_is_not_lazy" }, FN_MODES, true, "x86",
			 H_CSD_QUEUE_CPU + 1 },
};

#define MAX_Q (H_NR_HOOKS * 5)

struct probe_env {
	struct btf *kbtf;          /* kernel BTF (NULL if the kernel has none) */
	struct btf *cbtf;          /* else the --btf file's, NULL if none */
	char tracefs[64];          /* "" if no tracefs */
	char arch[16];
	struct ksym_query q[MAX_Q];
	int q_tp[H_NR_HOOKS];      /* index of __tracepoint_<name> in q, -1 */
	int q_fn[H_NR_HOOKS][4];   /* index of each function target in q, -1 */
	int fentry_err;            /* 0 works, >0 errno of the probe program load */
	bool fentry_tested;
	bool kprobes;
	char kprobe_why[160];
	int ipi_irq;               /* see probe_env_ipi_irq */
};

static void find_tracefs(struct probe_env *e)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < 2; i++) {
		char p[128];

		snprintf(p, sizeof(p), "%s/events", dirs[i]);
		if (!access(p, F_OK)) {
			snprintf(e->tracefs, sizeof(e->tracefs), "%s", dirs[i]);
			return;
		}
	}
	/* not mounted: mount it (root), as the kernel documentation suggests */
	if (!mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		snprintf(e->tracefs, sizeof(e->tracefs), "/sys/kernel/tracing");
}

bool probe_env_has_kernel_btf(const struct probe_env *e)
{
	return e->kbtf != NULL;
}

/* pahole puts every per-CPU variable in the DATASEC .data..percpu, each at its offset in the
 * section (5.10-7.2): the same distance apart as in any CPU's per-CPU area */
bool probe_percpu_delta(const struct probe_env *e, const char *a, const char *b, long long *delta, char *why,
			size_t len)
{
	long long off[2] = { -1, -1 };
	const char *names[2] = { a, b };
	const struct btf *btf = e->kbtf ? e->kbtf : e->cbtf;
	const struct btf_type *sec;
	const struct btf_var_secinfo *vi;
	int id;

	if (!btf || (id = btf__find_by_name_kind(btf, ".data..percpu", BTF_KIND_DATASEC)) < 0) {
		snprintf(why, len, "no per-CPU variables in the kernel's BTF%s", btf ? "" : " (none readable)");
		return false;
	}
	sec = btf__type_by_id(btf, id);
	vi = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vi++) {
		const char *n = btf__name_by_offset(btf, btf__type_by_id(btf, vi->type)->name_off);

		for (int k = 0; k < 2; k++)
			if (n && !strcmp(n, names[k]))
				off[k] = vi->offset;
	}
	for (int k = 0; k < 2; k++)
		if (off[k] < 0) {
			snprintf(why, len, "per-CPU variable %s not in the kernel's BTF", names[k]);
			return false;
		}
	*delta = off[0] - off[1];
	return true;
}

int probe_env_ipi_irq(const struct probe_env *e)
{
	return e->ipi_irq;
}

bool probe_env_task_btf(const struct probe_env *e)
{
	return e->kbtf && libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_get_current_task_btf, NULL) == 1;
}

struct probe_env *probe_env_new(const char *btf_custom_path, char *err, size_t errlen)
{
	struct probe_env *e = calloc(1, sizeof(*e));
	struct utsname u;
	struct kconfig *k;
	int nq = 0, rc;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	uname(&u);
	snprintf(e->arch, sizeof(e->arch), "%s",
		 !strcmp(u.machine, "x86_64") ? "x86" : !strncmp(u.machine, "ppc64", 5) ? "powerpc" : u.machine);
	if (!access("/sys/kernel/btf/vmlinux", R_OK)) {
		e->kbtf = btf__load_vmlinux_btf();
		if (!e->kbtf) {
			snprintf(err, errlen, "cannot parse kernel BTF /sys/kernel/btf/vmlinux: %s", strerror(errno));
			free(e);
			return NULL;
		}
	} else if (btf_custom_path) {
		/* types only, for what is read from BTF here (the per-CPU layout); a
		 * file that does not parse is reported by libbpf's load */
		e->cbtf = btf__parse(btf_custom_path, NULL);
		if (libbpf_get_error(e->cbtf))
			e->cbtf = NULL;
	} else {
		snprintf(err, errlen, "kernel has no BTF (/sys/kernel/btf/vmlinux missing): "
			 "give one with --btf FILE (pahole --btf_encode_detached from the kernel's debug vmlinux)");
		free(e);
		return NULL;
	}
	find_tracefs(e);
	for (int h = 0; h < H_NR_HOOKS; h++) {
		const struct hook_def *d = &lt_hooks[h];

		e->q_tp[h] = -1;
		if (d->tp) {
			static char names[H_NR_HOOKS][96];

			snprintf(names[h], sizeof(names[h]), "__tracepoint_%s", strchr(d->tp, '/') + 1);
			e->q_tp[h] = nq;
			e->q[nq++].name = names[h];
		}
		for (int i = 0; i < 4; i++) {
			e->q_fn[h][i] = -1;
			if (!d->funcs[i])
				continue;
			e->q_fn[h][i] = nq;
			e->q[nq].name = d->funcs[i];
			e->q[nq++].allow_suffix = true;
		}
	}
	rc = ksym_resolve(e->q, (size_t)nq);
	if (rc == -EPERM)
		fprintf(stderr, "lazytlb: warning: /proc/kallsyms addresses are hidden (kptr_restrict); run as root\n");

	/* kprobes: the perf kprobe PMU or the legacy tracefs interface */
	e->kprobes = !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
		     (e->tracefs[0] && !access(strcat(strcpy((char[128]){ 0 }, e->tracefs), "/kprobe_events"), F_OK));
	k = kconfig_load();
	snprintf(e->kprobe_why, sizeof(e->kprobe_why), "kprobes not available: %s",
		 !strcmp(kconfig_get(k, "CONFIG_KPROBES"), "n") ? "kernel built without CONFIG_KPROBES"
								: "no kprobe PMU nor tracefs kprobe_events");
	kconfig_free(k);
	/* the IPI line's irq number, for the ipi_irq filter */
	struct irq_snapshot *irq = calloc(1, sizeof(*irq));

	e->ipi_irq = irq && !irq_snapshot_read(irq) ? irq->ipi_irq : -1;
	free(irq);
	return e;
}

void probe_env_free(struct probe_env *e)
{
	if (!e)
		return;
	btf__free(e->kbtf);
	btf__free(e->cbtf);
	free(e);
}

/* Load (not attach) a two-instruction fentry program on `func`: tells whether
 * this kernel lets us use BPF trampolines at all (EPERM on some, ENOTSUPP on
 * architectures without them). Done once. */
static int fentry_probe(struct probe_env *e, const char *func)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	int id, fd, link;

	if (e->fentry_tested)
		return e->fentry_err;
	id = btf__find_by_name_kind(e->kbtf, func, BTF_KIND_FUNC);
	if (id < 0)
		return -1; /* try again with another function */
	opts.attach_btf_id = (__u32)id;
	e->fentry_tested = true;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "lt_fentry_probe", "GPL", insns, 2, &opts);
	if (fd < 0) {
		e->fentry_err = errno ? errno : EINVAL;
		return e->fentry_err;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	e->fentry_err = link < 0 ? (errno ? errno : EINVAL) : 0;
	if (link >= 0)
		close(link);
	close(fd);
	return e->fentry_err;
}

static int func_index(const struct probe_env *e, enum lt_hook h)
{
	for (int i = 0; i < 4; i++)
		if (e->q_fn[h][i] >= 0 && e->q[e->q_fn[h][i]].addr)
			return e->q_fn[h][i];
	return -1;
}

const char *probe_func_target(struct probe_env *e, enum lt_hook h)
{
	int i = func_index(e, h);

	return i < 0 ? NULL : e->q[i].found;
}

unsigned long long probe_func_addr(struct probe_env *e, enum lt_hook h)
{
	int i = func_index(e, h);

	return i < 0 ? 0 : e->q[i].addr;
}

static bool tracefs_event(const struct probe_env *e, const char *tp)
{
	char p[256];

	if (!e->tracefs[0])
		return false;
	snprintf(p, sizeof(p), "%s/events/%s/id", e->tracefs, tp);
	return !access(p, F_OK);
}

bool probe_variant(struct probe_env *e, enum lt_hook h, enum lt_mode m, char *target, size_t tlen,
		   char *why, size_t wlen)
{
	const struct hook_def *d = &lt_hooks[h];
	const char *ev = d->tp ? strchr(d->tp, '/') + 1 : NULL;
	bool tp_known = d->tp && (tracefs_event(e, d->tp) || (e->q_tp[h] >= 0 && e->q[e->q_tp[h]].addr));
	int fi = func_index(e, h);
	char name[128];

	why[0] = target[0] = '\0';
	if (d->arch && strcmp(d->arch, e->arch)) {
		snprintf(why, wlen, "%s only", d->arch);
		return false;
	}
	if (h == H_IPI_IRQ && e->ipi_irq < 0) {
		snprintf(why, wlen, "no IPI line in /proc/interrupts");
		return false;
	}
	switch (m) {
	case M_TP_BTF:
	case M_RAW_TP:
	case M_TRACEPOINT:
		if (!d->tp)
			break;
		snprintf(target, tlen, "%s", d->tp);
		if (!tp_known) {
			snprintf(why, wlen, "tracepoint %s not in this kernel", d->tp);
			return false;
		}
		if (m == M_TRACEPOINT && !tracefs_event(e, d->tp)) {
			snprintf(why, wlen, "%s", e->tracefs[0] ? "tracefs has no such event" : "tracefs not mounted");
			return false;
		}
		if (m == M_TP_BTF) {
			snprintf(name, sizeof(name), "btf_trace_%s", ev);
			if (!e->kbtf) {
				snprintf(why, wlen, "kernel has no BTF");
				return false;
			}
			if (btf__find_by_name_kind(e->kbtf, name, BTF_KIND_TYPEDEF) < 0) {
				snprintf(why, wlen, "no %s in kernel BTF", name);
				return false;
			}
		}
		return true;
	case M_FENTRY:
	case M_KPROBE:
		if (!d->funcs[0])
			break;
		if (fi < 0) {
			snprintf(why, wlen, "%s not in /proc/kallsyms (inlined or absent)", d->funcs[0]);
			return false;
		}
		snprintf(target, tlen, "%s", e->q[fi].found);
		if (m == M_KPROBE) {
			if (!e->kprobes)
				snprintf(why, wlen, "%s", e->kprobe_why);
			return e->kprobes;
		}
		if (!e->kbtf) {
			snprintf(why, wlen, "kernel has no BTF");
			return false;
		}
		if (btf__find_by_name_kind(e->kbtf, e->q[fi].found, BTF_KIND_FUNC) < 0) {
			snprintf(why, wlen, "%s not in kernel BTF%s", e->q[fi].found,
				 strcmp(e->q[fi].found, e->q[fi].name) ? " (compiler clone)" : "");
			return false;
		}
		if (fentry_probe(e, e->q[fi].found) > 0) {
			snprintf(why, wlen, "fentry programs cannot be loaded here: %s", strerror(e->fentry_err));
			return false;
		}
		return true;
	default:
		break;
	}
	snprintf(why, wlen, "no %s variant for this hook", lt_mode_names[m]);
	return false;
}

struct json *probes_json(const struct hook_status *st)
{
	struct json *arr = json_array();

	for (int h = 0; h < H_NR_HOOKS; h++) {
		const struct hook_def *d = &lt_hooks[h];
		struct json *o = json_object(), *tried = json_object();
		char reason[1024] = "";
		size_t off = 0;

		json_set(o, "name", json_string(lt_hook_names[h]));
		json_set(o, "mode", json_string(st[h].mode >= 0 ? lt_mode_names[st[h].mode] : "unavailable"));
		json_set(o, "target", json_string(st[h].target[0] ? st[h].target : d->tp ? d->tp : d->funcs[0]));
		for (int i = 0; i < d->nr_modes; i++) {
			enum lt_mode m = d->order[i];

			if ((int)m == st[h].mode) {
				json_set(tried, lt_mode_names[m], json_string("attached"));
				break;
			}
			json_set(tried, lt_mode_names[m], json_string(st[h].why[m][0] ? st[h].why[m] : "not tried"));
			if (st[h].why[m][0] && off < sizeof(reason))
				off += (size_t)snprintf(reason + off, sizeof(reason) - off, "%s%s: %s", off ? "; " : "",
							lt_mode_names[m], st[h].why[m]);
		}
		json_set(o, "reason", st[h].mode >= 0 && !off ? json_string("") : json_string(reason));
		json_set(o, "variants", tried);
		json_push(arr, o);
	}
	return arr;
}

/*
 * Does this kernel flush TLBs by broadcast instead of IPIs? x86 6.15+ flushes an mm with a
 * global ASID by INVLPGB, and kernel ranges too, when the CPU has it (arch/x86/mm/tlb.c, 7.2:
 * cpu_feature_enabled(X86_FEATURE_INVLPGB)): the CPU flag "invlpgb" in /proc/cpuinfo and the
 * global-ASID code in kallsyms (mm_free_global_asid, 6.15+). powerpc's radix tlbie is the
 * other broadcast (no IPI either): see the kernel_tlb_flush cause's tlbiel fallbacks.
 */
/*
 * How the target state `guest` is told (bpf core_fixes lt_in_guest): kvm_vcpu.mode where some
 * kernel BTF has struct kvm_vcpu (vmlinux with KVM built in, or the kvm module's own BTF,
 * 5.11+), else the task's PF_VCPU. NULL without the kvm_entry/exit tracepoints (kvm not
 * loaded at start: no CPU runs a KVM guest).
 */
const char *probe_guest_state(const struct probe_env *e, bool hooked)
{
	bool mode;

	if (!hooked)
		return NULL;
	mode = !access("/sys/kernel/btf/kvm", R_OK) ||
	       (e->kbtf && btf__find_by_name_kind(e->kbtf, "kvm_vcpu", BTF_KIND_STRUCT) >= 0);
	return mode ? LT_GUEST_SRC_MODE : LT_GUEST_SRC_PF_VCPU;
}

bool probe_broadcast_flush(char *why, size_t len)
{
	struct ksym_query q[1] = { { .name = "mm_free_global_asid" } };
	char line[8192];
	bool flag = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		flag = strstr(line, " invlpgb") != NULL;
		break;
	}
	if (f)
		fclose(f);
	ksym_resolve(q, 1);
	snprintf(why, len, "cpuinfo flag invlpgb %s, kallsyms mm_free_global_asid %s", flag ? "yes" : "no",
		 q[0].addr ? "yes" : "no");
	return flag && q[0].addr;
}
