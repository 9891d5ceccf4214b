/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probes.h - the hooks lazytlb attaches, their variants, and how one variant
 * per hook is chosen on the running kernel: probe what the kernel offers
 * (BTF, tracefs, kallsyms, fentry, kprobes), then load and attach, demoting
 * any variant that still fails to the next one without failing the others.
 */
#ifndef LT_PROBES_H
#define LT_PROBES_H

#include <stdbool.h>
#include "lib/json.h"
#include "result/names.h"

/* the hooks and their variants (modes) are bpf/lt_names.h's LT_HOOKS and LT_MODES: enum lt_hook
 * (H_*), enum lt_mode (M_*), their names in lt_hook_names / lt_mode_names (names.h) */
struct hook_def {
	const char *tp;          /* "category/event" for tracepoint variants, or NULL */
	const char *funcs[4];    /* function targets for fentry/kprobe, first present wins */
	enum lt_mode order[M_NR_MODES]; /* variants in order of preference */
	int nr_modes;
	bool has_exit;           /* also <name>_exit__<mode> (fexit / kretprobe) */
	const char *arch;        /* only on this arch ("x86"), NULL for all */
	int fallback_for;        /* attach only when this hook (index + 1) could not be: 0 none */
	bool kentry;             /* a kernel-entry hook: attached only for defer-to-kernel-entry
				  * (what-if on, nohz_full CPUs present): syscalls are hot */
	bool exit_whatif;        /* the exit program serves what-if only: not attached without it */
};
extern const struct hook_def lt_hooks[H_NR_HOOKS];

struct hook_status {
	int mode;                     /* chosen and attached, or -1 */
	char target[160];             /* what it attached to */
	char why[M_NR_MODES][200];    /* per variant: why it is not used ("" if untested) */
};

struct probe_env; /* facts gathered once: BTF, tracefs, kallsyms, feature probes */

struct probe_env *probe_env_new(const char *btf_custom_path, char *err, size_t errlen);
void probe_env_free(struct probe_env *e);
/* Is variant m of hook h possible here? false with the reason in why. */
bool probe_variant(struct probe_env *e, enum lt_hook h, enum lt_mode m, char *target, size_t tlen,
		   char *why, size_t wlen);
/* Kernel function name to attach to for hook h (with clone suffix), or NULL */
/* the kallsyms address of that function, 0 if none */
unsigned long long probe_func_addr(struct probe_env *e, enum lt_hook h);
const char *probe_func_target(struct probe_env *e, enum lt_hook h);
bool probe_env_has_kernel_btf(const struct probe_env *e);
/* &a - &b for two per-CPU variables, from the kernel BTF's .data..percpu: false if either is
 * not there (why says which) */
bool probe_percpu_delta(const struct probe_env *e, const char *a, const char *b, long long *delta, char *why,
			size_t len);
/* irq number of the IPI line of /proc/interrupts (powerpc), -1 when IPIs have vectors */
int probe_env_ipi_irq(const struct probe_env *e);
/* the kernel's BTF and bpf_get_current_task_btf() (5.11+): the BPF side reads the current
 * task's fields directly instead of through helpers */
bool probe_env_task_btf(const struct probe_env *e);
/* The kernel flushes TLBs by broadcast (INVLPGB): why says what was probed */
bool probe_broadcast_flush(char *why, size_t len);
/* NULL, or how target state guest is read: a guess from the BTF files here, which the load's
 * CO-RE decision (core_probe) replaces */
#define LT_GUEST_SRC_MODE "kvm_vcpu.mode"
#define LT_GUEST_SRC_PF_VCPU                                                                          \
	"PF_VCPU (no BTF of struct kvm_vcpu: an IPI taken in the host right after a VM exit counts as " \
	"sent to the guest)"
const char *probe_guest_state(const struct probe_env *e, bool hooked);

/* The "probes" array of the result file */
struct json *probes_json(const struct hook_status *st);

#endif
