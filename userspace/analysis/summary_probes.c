// SPDX-License-Identifier: GPL-2.0
/*
 * summary_probes.c - what the summary says about the hooks that did not attach: only those
 * whose absence costs a figure on this result's architecture and lazy TLB scheme, naming the
 * figure; the rest (a fallback not needed, another architecture's hook, a function that does
 * not exist on this kernel's scheme) with -v.
 */
#include <string.h>
#include "summary_int.h"

/* the figure each hook gives; arch: the only architecture that has it (NULL: any);
 * shootdown: exists on MMU_LAZY_TLB_SHOOTDOWN kernels only */
static const struct hook_figure {
	const char *hook, *figure, *arch;
	bool shootdown;
} figures[] = {
	{ "sched_switch", "context switches, lazy grabs and drops, refcount atomics", NULL, false },
	{ "ipi_send_cpu", "hardware IPIs sent, resched IPIs by target state", NULL, false },
	{ "ipi_send_cpumask", "hardware IPIs sent to CPU masks", NULL, false },
	{ "csd_queue_cpu", "IPIs by cause and target state, what-if counts", NULL, false },
	{ "csd_function_entry", "remote calls run, shoot-lazy IPIs", NULL, false },
	{ "tlb_flush", "TLB flushes by reason", "x86", false },
	{ "cpu_idle", "idle wakeups by cause", NULL, false },
	{ "process_exit", "exit_mm grabs", NULL, false },
	{ "call_function_entry", "CAL IPIs received", "x86", false },
	{ "call_function_single_entry", "CAL IPIs received", "x86", false },
	{ "reschedule_entry", "RES IPIs received", "x86", false },
	{ "call_function_exit", "nohz_full interruption times", "x86", false },
	{ "call_function_single_exit", "nohz_full interruption times", "x86", false },
	{ "reschedule_exit", "nohz_full interruption times", "x86", false },
	{ "mmdrop", "__mmdrop calls", NULL, false },
	{ "shoot_lazy", "shoot-lazy calls", NULL, true },
	{ "exit_flush_lazy", "exit-flush-lazy calls", "powerpc", false },
	{ "flush_tlb_mm_range", "flush_tlb_mm_range calls and latency", NULL, false },
	{ "finish_task_switch", "finish_task_switch times (lazy drop or not)", NULL, false },
	{ "table_sync", "tlb_remove_table_sync_one calls", NULL, false },
	{ "membarrier", "membarrier(2) calls and the kernel's membarrier skips", NULL, false },
	{ "flush_tlb_func", "remote TLB flushes received", "x86", false },
	{ "call_many", "IPIs by cause (kernels before 6.3)", NULL, false },
	{ "call_single_queue", "IPIs by cause (kernels before 6.3)", NULL, false },
	{ "exec_single", "IPIs by cause (kernels before 6.3)", NULL, false },
	{ "send_mask_fn", "hardware IPIs sent (kernels before 6.3)", NULL, false },
	{ "send_single_fn", "hardware IPIs sent (kernels before 6.3)", NULL, false },
	{ "send_resched_fn", "resched IPIs sent (kernels before 6.3)", NULL, false },
	{ "cond_tlb", "TLB-flush targets the kernel left out (kernels before 6.3)", "x86", false },
	{ "ipi_irq", "IPIs received", "powerpc", false },
	{ "doorbell", "doorbell IPIs received", "powerpc", false },
	{ "kentry_syscall", "defer-to-kernel-entry delays", NULL, false },
	{ "kentry_fault", "defer-to-kernel-entry delays", "x86", false },
	{ "kentry_tick", "defer-to-kernel-entry delays", "x86", false },
	{ "exec_lazy", "lazy mm dropped by a helper's exec", NULL, false },
	{ "use_mm", "kthread_use_mm grabs and drops", NULL, false },
	{ "unuse_mm", "kthread_use_mm grabs and drops", NULL, false },
	{ "kvm_entry", "target state guest", NULL, false },
	{ "kvm_exit", "target state guest", NULL, false },
	{ "ppc_tlbie", "tlbie and tlbiel counts", "powerpc", false },
	{ "cpuhp", "mm references moved by CPU hotplug", NULL, false },
};

const char *summary_arch(const struct json *res)
{
	const char *a = json_as_string(json_path(res, "host.arch")) ?: "";

	if (!strncmp(a, "x86", 3) || !strcmp(a, "i686") || !strcmp(a, "amd64"))
		return "x86";
	if (!strncmp(a, "ppc", 3) || !strncmp(a, "powerpc", 7))
		return "powerpc";
	return NULL; /* unknown: nothing is left out */
}

bool summary_on_arch(const struct json *res, const char *arch)
{
	const char *a = summary_arch(res);

	return !arch || !a || !strcmp(a, arch);
}

bool summary_refcount(const struct json *res)
{
	return !strcmp(json_as_string(json_path(res, "kernel.lazy_tlb_scheme")) ?: "", "refcount");
}

static const struct hook_figure *figure_of(const char *hook)
{
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
		if (!strcmp(figures[i].hook, hook))
			return &figures[i];
	return NULL;
}

/* every variant's reason ("fentry: R1; kprobe: R2") starts with what */
static bool all_variants(const char *reason, const char *what)
{
	const char *p = reason, *c;
	bool any = false;

	while (p && (c = strstr(p, ": "))) {
		if (strncmp(c + 2, what, strlen(what)))
			return false;
		any = true;
		if ((p = strstr(c + 2, "; ")))
			p += 2;
	}
	return any;
}

/* Does this unavailable hook cost a figure here? No when another hook did its job ("not
 * needed"), when it is another architecture's, or a shootdown kernel's on a refcount one */
static bool costs(const struct json *res, const char *reason, const struct hook_figure *h)
{
	if (all_variants(reason, "not needed"))
		return false;
	if (h && !summary_on_arch(res, h->arch))
		return false;
	return !(h && h->shootdown && summary_refcount(res));
}

/* the unavailable probe i costs a figure here */
static bool costly(const struct json *res, const struct json *p)
{
	const char *name = json_as_string(json_get(p, "name")) ?: "?";

	return !strcmp(json_as_string(json_get(p, "mode")) ?: "", "unavailable") &&
	       costs(res, json_as_string(json_get(p, "reason")) ?: "", figure_of(name));
}

static const char *figure_name(const struct json *p)
{
	const struct hook_figure *h = figure_of(json_as_string(json_get(p, "name")) ?: "?");

	return h ? h->figure : "(lazytlb schema: hooks)";
}

void summary_probes(FILE *f, const struct json *res, bool verbose)
{
	const struct json *probes = json_get(res, "probes");
	size_t hidden = 0, n = json_len(probes);
	bool header = false;

	/* one entry per figure and reason: hooks that give the same figure and failed alike together */
	for (size_t i = 0; i < n; i++) {
		const struct json *p = json_at(probes, i);
		const char *reason = json_as_string(json_get(p, "reason")) ?: "";
		bool first = true;

		if (!costly(res, p))
			continue;
		for (size_t j = 0; j < i && first; j++)
			first = !costly(res, json_at(probes, j)) || strcmp(figure_name(json_at(probes, j)), figure_name(p)) ||
				strcmp(json_as_string(json_get(json_at(probes, j), "reason")) ?: "", reason);
		if (!first)
			continue;
		if (!header)
			fprintf(f, "\nFigures lost on this kernel (n/a above), and the probes that could not attach\n");
		header = true;
		fprintf(f, "  %s: %s", figure_name(p), json_as_string(json_get(p, "name")) ?: "?");
		for (size_t j = i + 1; j < n; j++)
			if (costly(res, json_at(probes, j)) && !strcmp(figure_name(json_at(probes, j)), figure_name(p)) &&
			    !strcmp(json_as_string(json_get(json_at(probes, j), "reason")) ?: "", reason))
				fprintf(f, ", %s", json_as_string(json_get(json_at(probes, j), "name")) ?: "?");
		fprintf(f, "\n      %s\n", reason);
	}
	for (size_t i = 0; i < n; i++) {
		const struct json *p = json_at(probes, i);

		if (strcmp(json_as_string(json_get(p, "mode")) ?: "", "unavailable") || costly(res, p))
			continue;
		if (verbose && !hidden)
			fprintf(f, "\nProbes not attached at no cost here (another hook did the job, another\n"
				   "architecture's, or a function this kernel's lazy TLB scheme does not have)\n");
		if (verbose)
			fprintf(f, "  %-20s %s\n", json_as_string(json_get(p, "name")) ?: "?",
				json_as_string(json_get(p, "reason")) ?: "");
		hidden++;
	}
	if (hidden && !verbose)
		fprintf(f, "\n(%zu more probes not attached cost nothing here: -v lists them)\n", hidden);
}
