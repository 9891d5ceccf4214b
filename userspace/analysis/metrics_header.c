// SPDX-License-Identifier: GPL-2.0
/*
 * metrics_header.c - the result file's header (result-schema.md): the kernel's and the
 * machine's facts read once into a struct lt_header, and the document built from it, the
 * command's scenario and its reps in one go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "lib/cli.h"
#include "metrics.h"

static const char *const config_keys[] = {
	"CONFIG_MMU_LAZY_TLB_REFCOUNT", "CONFIG_MMU_LAZY_TLB_SHOOTDOWN", "CONFIG_NO_HZ_FULL",
	"CONFIG_PREEMPT", "CONFIG_PREEMPT_VOLUNTARY", "CONFIG_PREEMPT_NONE", "CONFIG_PREEMPT_DYNAMIC",
	"CONFIG_CONTEXT_TRACKING_USER", "CONFIG_MEMBARRIER", "CONFIG_KPROBES", "CONFIG_DEBUG_INFO_BTF",
	"CONFIG_MMU_GATHER_RCU_TABLE_FREE", "CONFIG_PARAVIRT",
};

void metrics_header_read(struct lt_header *h)
{
	struct utsname u;

	if (!uname(&u))
		snprintf(h->release, sizeof(h->release), "%s", u.release);
	read_line("/proc/cmdline", h->cmdline, sizeof(h->cmdline));
	/* `vm run` passes the package vm/fetch.sh resolved (PKG=VERSION) */
	h->package = getenv("LAZYTLB_KERNEL_PACKAGE");
	host_read(&h->host);
}

static struct json *host_json(const struct lt_host *h)
{
	struct json *o = json_object(), *hv;

	json_set(o, "hostname", json_string(h->hostname));
	json_set(o, "arch", json_string(h->arch));
	json_set(o, "cpu_model", json_string(h->cpu_model));
	json_set(o, "nr_cpus", json_u64(h->nr_cpus));
	/* every CPU the kernel can name is traced: lazytlb refuses to start past max_cpus */
	json_set(o, "nr_cpu_ids", json_u64(h->nr_cpu_ids));
	json_set(o, "max_cpus", json_u64(LT_SYS_MAX_CPUS));
	json_set(o, "online_cpus", json_string(h->online_cpus));
	json_set(o, "nohz_full", json_string(h->nohz_full));
	json_set(o, "isolcpus", json_string(h->isolcpus));
	json_set(o, "virt", json_string(h->virt));
	hv = json_set(o, "hypervisor", h->hypervisor ? json_object() : json_null());
	if (h->hypervisor) {
		json_set(hv, "vendor", json_string(h->hv_vendor));
		if (h->kvm_pv_tlb_flush >= 0)
			json_set(hv, "kvm_pv_tlb_flush", json_bool(h->kvm_pv_tlb_flush));
	}
	return o;
}

static struct json *kernel_json(const struct lt_trace_info *c, const struct lt_header *h)
{
	struct json *k = json_object(), *cfg;
	const char *src, *sch = metrics_scheme(c, &src);

	json_set(k, "release", json_string(h->release));
	json_set(k, "cmdline", json_string(h->cmdline));
	json_set(k, "lazy_tlb_scheme", sch ? json_string(sch) : json_null());
	json_set(k, "scheme_source", json_string(src));
	cfg = json_set(k, "config", json_object());
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		json_set(cfg, config_keys[i], json_string(kconfig_get(c->kconfig, config_keys[i])));
	json_set(k, "config_source", json_string(kconfig_source(c->kconfig)));
	json_set(k, "package", h->package ? json_string(h->package) : json_null());
	json_set(k, "btf", json_string(c->btf_custom_path ? c->btf_custom_path : "/sys/kernel/btf/vmlinux"));
	json_set(k, "btf_source", json_string(c->btf_custom_path ? "custom" : "sysfs"));
	/* without it a CPU running a user task is "user" whether in user mode or in a syscall */
	json_set(k, "context_tracking", json_string(c->ct_source ? c->ct_source : "unavailable"));
	if (!c->ct_source && c->ct_why[0])
		json_set(k, "context_tracking_why", json_string(c->ct_why));
	/* context_tracking and ipi.guest_state_source were checked against the load's CO-RE */
	json_set(k, "core_probe", json_bool(c->core_facts_known));
	/* the scheme the reps' hand-backs point to: none without reps */
	if (!h->skipped)
		json_set(k, "scheme_observed", json_string(metrics_scheme_observed(c, &h->ev)));
	return k;
}

static struct json *options_json(const struct lt_trace_info *c)
{
	struct json *opt = json_object(), *sd;

	json_set(opt, "whatif", json_bool(c->whatif));
	sd = json_set(opt, "senders", json_object());
	json_set(sd, "on", json_bool(c->senders));
	json_set(sd, "stacks", json_bool(c->stacks));
	json_set(sd, "target_cpus", c->sender_cpus ? json_string(c->sender_cpus) : json_null());
	if (c->senders) { /* the tables' sizes: beyond them, requests are folded */
		struct json *tr = json_set(sd, "table_rows", json_object());

		json_set(tr, "task", json_u64(c->sender_rows[0]));
		json_set(tr, "folded", json_u64(c->sender_rows[1]));
		json_set(tr, "stacks", json_u64(c->sender_rows[2]));
		/* which probe decided how the sender's name is read (bpf_get_current_task_btf: 5.11+) */
		json_set(sd, "name_read", json_string(c->sender_task_btf ? "task_btf" : "get_current_comm"));
	}
	return opt;
}

struct json *metrics_overhead_json(const struct lt_overhead *ov)
{
	struct json *o = json_object(), *progs = json_array();

	for (size_t i = 0; i < ov->nr_progs; i++) {
		const struct lt_prog_cost *p = &ov->progs[i];
		struct json *e = json_object();

		json_set(e, "name", json_string(p->name));
		json_set(e, "run_cnt", json_u64(p->run_cnt));
		json_set(e, "run_time_ns", json_u64(p->run_time_ns));
		json_set(e, "ns_per_event",
			 p->run_cnt ? json_double((double)p->run_time_ns / (double)p->run_cnt) : json_null());
		json_push(progs, e);
	}
	json_set(o, "stats_enabled", json_bool(ov->stats_enabled));
	json_set(o, "programs", progs);
	return o;
}

struct json *metrics_result_json(const struct lt_trace_info *t, struct lt_header *h, struct json *scenario,
				 struct json *reps)
{
	struct json *r = json_object(), *tool;

	json_set(r, "schema", json_string("lazytlb-result/1"));
	tool = json_set(r, "tool", json_object());
	json_set(tool, "version", json_string(LT_VERSION));
	json_set(tool, "git", json_string(LT_GIT));
	json_set(r, "host", host_json(&h->host));
	json_set(r, "kernel", kernel_json(t, h));
	json_set(r, "probes", h->probes ? h->probes : json_null());
	h->probes = NULL;
	json_set(r, "options", options_json(t));
	json_set(r, "reps", reps);
	json_set(r, "scenario", scenario);
	if (h->skipped)
		json_set(json_set(r, "skipped", json_object()), "reason", json_string(h->skip_reason));
	else
		json_set(r, "overhead", metrics_overhead_json(&h->overhead));
	return r;
}

void metrics_header_release(struct lt_header *h)
{
	json_free(h->probes);
	h->probes = NULL;
	free(h->overhead.progs);
	memset(&h->overhead, 0, sizeof(h->overhead));
}
