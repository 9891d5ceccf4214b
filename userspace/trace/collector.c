// SPDX-License-Identifier: GPL-2.0
/*
 * collector.c - load/attach with per-hook variant fallback, and per-rep
 * snapshots of the per-CPU maps (see collector.h). The JSON of a rep is built
 * in metrics.c; this file owns the BPF object's life.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/cli.h"
#include "lib/kallsyms.h"
#include "lib/procfs.h"
#include "collector_int.h"
#include "progs.h"
#include "senders.h"
#include "lazytlb.skel.h"


/* ---- libbpf messages: shown with -v (never parsed: failing_prog() names a failed program) ---- */
static bool libbpf_quiet;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (lt_verbose && !libbpf_quiet && level != LIBBPF_DEBUG)
		vfprintf(stderr, fmt, ap);
	return 0;
}

/* Where context tracking is read: kallsyms (the per-CPU symbol and __per_cpu_offset), else
 * each CPU's runqueue plus the distance of the two variables in the per-CPU area (BTF) */
static void ct_cfg(struct collector *c, struct lt_cfg *cfg)
{
	char why[120];
	long long d;

	c->info.ct_source = NULL;
	if (cfg->ct_addr && cfg->per_cpu_offset) {
		c->info.ct_source = "kallsyms";
		return;
	}
	cfg->ct_addr = cfg->per_cpu_offset = 0;
	if (probe_percpu_delta(c->env, "context_tracking", "runqueues", &d, why, sizeof(why))) {
		cfg->ct_rq_delta = (__u64)d;
		cfg->ct_from_rq = 1;
		c->info.ct_source = "btf";
		return;
	}
	snprintf(c->info.ct_why, sizeof(c->info.ct_why),
		 "context_tracking not in kallsyms (no CONFIG_CONTEXT_TRACKING, or no KALLSYMS_ALL) and %s", why);
}

/* LAZYTLB_GUEST_STATE=pf_vcpu: read target state guest the way kernels without struct kvm_vcpu
 * in any BTF are read (tests/t_vm_guest.sh checks that fallback against /proc/stat) */
static bool guest_pf_vcpu_forced(void)
{
	const char *e = getenv("LAZYTLB_GUEST_STATE");

	return e && !strcmp(e, "pf_vcpu");
}

/* The senders' table sizes. Per-CPU rows cost ~104 B + 24 B per possible CPU each (memlock,
 * docs/senders.md): past 64 possible CPUs the per-task and folded tables shrink so that their
 * values stay near 6 MiB (512 and 128 rows at 512 CPUs and more); a full table folds, it does
 * not drop. LAZYTLB_SENDER_ROWS=N shrinks them further, to N rows per task, N/4 folded and
 * N/2 stacks, so that a short test fills every level (tests/t_soak.sh). */
static void sender_tables(struct collector *c)
{
	const char *e = getenv("LAZYTLB_SENDER_ROWS");
	unsigned long n = e ? strtoul(e, NULL, 10) : 0;
	unsigned int *r = c->info.sender_rows, cpus = c->info.nr_possible ?: 1;

	r[0] = LT_MAX_SENDERS;
	if (cpus > 64)
		r[0] = LT_MAX_SENDERS * 64 / cpus > 512 ? LT_MAX_SENDERS * 64 / cpus : 512;
	r[1] = r[0] / 4 < LT_MAX_SENDERS_FOLDED ? r[0] / 4 : LT_MAX_SENDERS_FOLDED;
	r[2] = LT_MAX_SENDER_STACKS;
	if (n >= 4 && n < r[0]) {
		r[0] = n;
		r[1] = n / 4 < r[1] ? n / 4 : r[1];
		r[2] = n / 2 < r[2] ? n / 2 : r[2];
	}
	bpf_map__set_max_entries(c->skel->maps.senders, r[0]);
	bpf_map__set_max_entries(c->skel->maps.senders_folded, r[1]);
	bpf_map__set_max_entries(c->skel->maps.sender_stacks, r[2]);
}

_Static_assert(LT_SYS_MAX_CPUS == LT_MAX_CPUS, "the /proc readers and the BPF masks take as many CPUs");

static void fill_cfg(struct collector *c, struct lt_cfg *cfg)
{
	struct ksym_query q[12] = {};
	char buf[65536]; /* a cpulist of 8192 CPUs, each alone, is ~40 KB */
	const char *fn;

	memset(cfg, 0, sizeof(*cfg));
	sender_tables(c);
	q[0].name = "generic_smp_call_function_single_interrupt";
	q[1].name = "context_tracking";
	q[2].name = "__per_cpu_offset";
	q[3].name = "mm_cachep";
	q[4].name = "sched_ttwu_pending";
	q[5].name = "__cpu_online_mask";
	q[6].name = "init_mm";
	q[7].name = "finish_cpu";
	q[8].name = "bringup_cpu";
	q[9].name = "cpuhp_bringup_ap";
	q[10].name = "sched_cpu_wait_empty";
	q[11].name = "idle_task_exit";
	ksym_resolve(q, 12);
	cfg->csd_ipi_cb = q[0].addr;
	cfg->ct_addr = q[1].addr;
	cfg->per_cpu_offset = q[2].addr;
	cfg->mm_cachep_addr = q[3].addr;
	cfg->ttwu_cb = q[4].addr;
	cfg->online_mask_addr = q[5].addr;
	cfg->init_mm_addr = q[6].addr;
	/* hotplug (bpf on_cpuhp): sched_cpu_wait_empty switches to init_mm where idle_task_exit
	 * is gone (7.2: sched_force_init_mm); before, idle_task_exit switched without a reference */
	cfg->hp_finish_cpu = q[7].addr;
	cfg->hp_bringup = q[8].addr;
	cfg->hp_bringup_ap = q[9].addr;
	cfg->hp_wait_empty = q[11].addr ? 0 : q[10].addr;
	/* the 7.2 switch to init_mm is told by comparing with it: without &init_mm (a kernel
	 * without KALLSYMS_ALL, e.g. this host's 6.18) the hotplug counts are unknown there */
	c->info.hp_known = cfg->hp_finish_cpu && (cfg->hp_bringup || cfg->hp_bringup_ap) &&
			   (cfg->init_mm_addr || !cfg->hp_wait_empty);
	c->info.hp_wait_empty = cfg->hp_wait_empty != 0;
	read_line("/sys/devices/system/cpu/online", buf, sizeof(buf));
	lt_parse_cpulist(buf, (uint64_t *)cfg->online_mask, LT_MAX_CPUS);
	cfg->kentry = c->info.kentry;
	ct_cfg(c, cfg);
	for (unsigned int i = 0; i < LT_MAX_CPUS / 64; i++)
		cfg->nohz_full_mask[i] = c->nohz_mask[i];
	cfg->race_window_ns = c->opts.race_window_ns;
	cfg->nr_cpu_ids = c->info.nr_cpu_ids;
	/* reading mm_cpumask costs one probe read per 64 CPUs: sample so that the
	 * cost per lazy op stays small and constant whatever the CPU count */
	cfg->sharing_period = LT_SHARING_MIN_PERIOD * ((c->info.nr_cpu_ids + 63) / 64);
	cfg->whatif = c->opts.whatif;
	cfg->senders = !c->opts.no_senders && !c->opts.empty;
	cfg->stack_period = c->opts.stacks ? 1 : LT_SENDER_STACK_PERIOD;
	/* not with tables shrunk to be filled (tests/t_soak.sh): the pinned rows would take the
	 * first keys of each CPU, and the folds it checks would come later */
	cfg->sender_pins = cfg->senders && !getenv("LAZYTLB_SENDER_ROWS");
	if (c->opts.sender_cpus) {
		uint64_t m[LT_MAX_CPUS / 64] = {};

		cfg->sender_cpus_set = lt_parse_cpulist(c->opts.sender_cpus, m, LT_MAX_CPUS);
		for (unsigned int i = 0; i < LT_MAX_CPUS / 64; i++)
			cfg->sender_cpus[i] = m[i];
	}
	cfg->empty = c->opts.empty;
	cfg->ipi_irq = probe_env_ipi_irq(c->env);
	cfg->task_btf = probe_env_task_btf(c->env);
	c->info.sender_task_btf = cfg->task_btf;
	cfg->guest_pf_vcpu = guest_pf_vcpu_forced();
	fn = probe_func_target(c->env, H_FLUSH_TLB_FUNC);
	cfg->flush_fn_remote = fn && !strncmp(fn, "flush_tlb_func_remote", 21);
}

/* Before 6.3 calls are counted where queued when both queue hooks attach (else at the
 * arch send, hardware IPIs only); a TLB flush's targets by its cond_func where hooked */
static void set_queue_cfg(struct collector *c)
{
	struct lt_cfg *cfg = (struct lt_cfg *)&c->skel->rodata->cfg;

	cfg->calls_at_queue = c->st[H_CALL_MANY].mode >= 0 && c->st[H_CALL_SINGLE_QUEUE].mode >= 0;
	cfg->cond_tlb_fn = c->st[H_COND_TLB].mode >= 0 ? probe_func_addr(c->env, H_COND_TLB) : 0;
	cfg->ftmr = c->st[H_FLUSH_TLB_MM_RANGE].mode >= 0;
}

/* Open, choose variants, load, attach; one round. Returns 0, or 1 when a
 * variant was demoted and another round is needed, or -1 on a hard error. */
/* the knobs in .rodata, and the per-target maps sized to one slot per CPU the kernel can
 * name (not per CPU lazytlb could) */
static void configure(struct collector *c)
{
	fill_cfg(c, (struct lt_cfg *)&c->skel->rodata->cfg);
	bpf_map__set_max_entries(c->skel->maps.cpu_state, c->info.nr_cpu_ids);
	bpf_map__set_max_entries(c->skel->maps.ipi_pending, c->info.nr_cpu_ids);
}

static int load_round(struct collector *c, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = c->opts.btf_custom_path);
	struct bpf_program *prog;
	char target[160], why[200], *vlogs;
	int rc;

	c->skel = lazytlb_bpf__open_opts(&oo);
	if (!c->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	configure(c);
	bpf_object__for_each_program(prog, c->skel->obj)
		bpf_program__set_autoload(prog, false);
	bpf_program__set_autoload(c->skel->progs.core_probe, true);

	for (int h = 0; h < H_NR_HOOKS; h++) {
		const struct hook_def *d = &lt_hooks[h];

		c->st[h].mode = -1;
		if (d->fallback_for && c->st[d->fallback_for - 1].mode >= 0) {
			for (int i = 0; i < d->nr_modes; i++)
				snprintf(c->st[h].why[d->order[i]], sizeof(c->st[h].why[0]), "not needed: %s attached",
					 lt_hook_names[d->fallback_for - 1]);
			continue;
		}
		if (d->kentry && !c->info.kentry) {
			for (int i = 0; i < d->nr_modes; i++)
				snprintf(c->st[h].why[d->order[i]], sizeof(c->st[h].why[0]),
					 "not needed: %s", c->opts.whatif ? "no nohz_full CPU" : "what-if off");
			continue;
		}
		for (int i = 0; i < d->nr_modes; i++) {
			enum lt_mode m = d->order[i];
			char pname[96];

			if (c->demoted[h][m])
				continue;
			if (!probe_variant(c->env, (enum lt_hook)h, m, target, sizeof(target), why, sizeof(why))) {
				snprintf(c->st[h].why[m], sizeof(c->st[h].why[m]), "%s", why);
				continue;
			}
			for (int ex = 0; ex <= (int)(d->has_exit && (c->opts.whatif || !d->exit_whatif)); ex++) {
				snprintf(pname, sizeof(pname), "%s%s__%s", lt_hook_names[h], ex ? "_exit" : "", lt_mode_names[m]);
				prog = bpf_object__find_program_by_name(c->skel->obj, pname);
				if (!prog)
					continue;
				bpf_program__set_autoload(prog, true);
				if (m == M_FENTRY)
					bpf_program__set_attach_target(prog, 0, target);
			}
			c->st[h].mode = m;
			snprintf(c->st[h].target, sizeof(c->st[h].target), "%s", target);
			break;
		}
	}

	set_queue_cfg(c);
	vlogs = vlog_bufs(c->skel->obj);
	rc = lazytlb_bpf__load(c->skel);
	if (rc) {
		char msg[160];
		struct bpf_program *bad = failing_prog(c->skel->obj, msg, sizeof(msg));
		int h, m;

		if (bad && lt_verbose && !c->opts.quiet) {
			size_t sz;

			fprintf(stderr, "lazytlb: %s: verifier log:\n%s\n", bpf_program__name(bad), bpf_program__log_buf(bad, &sz));
		}
		if (bad && prog_hook_mode(bpf_program__name(bad), &h, &m) && !c->demoted[h][m]) {
			c->demoted[h][m] = true;
			/* before 6.4 a verifier log that overflows fails the load with ENOSPC, hiding
			 * the verdict: seen when a program grew too complex (E2BIG) for 6.1's verifier */
			snprintf(c->demote_why[h][m], sizeof(c->demote_why[h][m]), "load failed: %s (%s)",
				 rc == -ENOSPC ? "verifier log overflowed (ENOSPC): likely too complex for this verifier"
					       : strerror(-rc), msg);
			free(vlogs);
			return 1;
		}
		free(vlogs);
		snprintf(err, errlen, "cannot load the BPF programs: %s%s", strerror(-rc),
			 lt_verbose ? "" : " (run with -v for the libbpf log)");
		return -1;
	}
	free(vlogs);

	/* the callbacks of each cause, before anything can run */
	for (size_t i = 0; i < c->nr_cbs; i++) {
		__u64 key = c->cbs[i].addr;
		__u32 val = c->cbs[i].cause | (__u32)(i + 1) << LT_CB_KNOWN_SHIFT; /* counters.cb_known[i] */

		if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.cb_causes), &key, &val, BPF_ANY)) {
			snprintf(err, errlen, "cannot fill the callback map: %s", strerror(errno));
			return -1;
		}
	}

	/* attach one by one: a failure demotes that variant only */
	bpf_object__for_each_program(prog, c->skel->obj) {
		struct bpf_link *link;
		int h, m;

		if (!bpf_program__autoload(prog) || !prog_hook_mode(bpf_program__name(prog), &h, &m))
			continue;
		if (m == M_KPROBE) {
			bool ret = strstr(bpf_program__name(prog), "_exit__") != NULL;

			link = bpf_program__attach_kprobe(prog, ret, probe_func_target(c->env, (enum lt_hook)h));
		} else {
			link = bpf_program__attach(prog);
		}
		if (!link) {
			c->demoted[h][m] = true;
			snprintf(c->demote_why[h][m], sizeof(c->demote_why[h][m]), "attach failed: %s",
				 strerror(errno));
			return 1;
		}
		c->links[c->nr_links++] = link;
	}
	return 0;
}

static void unload(struct collector *c)
{
	for (int i = 0; i < c->nr_links; i++)
		bpf_link__destroy(c->links[i]);
	c->nr_links = 0;
	lazytlb_bpf__destroy(c->skel);
	c->skel = NULL;
}

/* Make every CPU schedule once so cpu_state[] is filled even on a CPU that
 * spins in user mode and would not switch on its own for a long time. */
static void kick_cpus(struct collector *c)
{
	cpu_set_t old, one;

	if (sched_getaffinity(0, sizeof(old), &old))
		return;
	for (unsigned int cpu = 0; cpu < c->info.nr_cpu_ids && cpu < CPU_SETSIZE; cpu++) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (!sched_setaffinity(0, sizeof(one), &one))
			usleep(200);
	}
	sched_setaffinity(0, sizeof(old), &old);
}

/* The CO-RE decisions of the load (bpf core_probe) settle what userspace guessed from the
 * BTF files it could read: libbpf also searched the modules' BTF (kvm's), or only a detached
 * --btf. Not run (a kernel without raw_tp test runs): the guesses stand. */
static void core_facts_apply(struct collector *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, run);
	struct lt_trace_info *t = &c->info;
	const struct lt_core_facts *f = &c->skel->bss->core_facts;

	if (bpf_prog_test_run_opts(bpf_program__fd(c->skel->progs.core_probe), &run) || !f->ran)
		return;
	t->core_facts_known = true;
	if (t->guest_source)
		t->guest_source = f->kvm_vcpu_mode && !guest_pf_vcpu_forced() ? LT_GUEST_SRC_MODE : LT_GUEST_SRC_PF_VCPU;
	if (t->ct_source && !f->ct_state) {
		t->ct_source = NULL;
		snprintf(t->ct_why, sizeof(t->ct_why), "no struct context_tracking state in the kernel's BTF");
	} else if (t->ct_source && !strcmp(t->ct_source, "btf") && !f->cfs_rq_rq) {
		t->ct_source = NULL;
		snprintf(t->ct_why, sizeof(t->ct_why), "no cfs_rq.rq in the kernel's BTF (FAIR_GROUP_SCHED off)");
	}
}

/* What metrics.c is told of this collector (the rest is set as it is found in collector_open) */
static void trace_info_fill(struct collector *c)
{
	struct lt_trace_info *t = &c->info;

	for (int h = 0; h < H_NR_HOOKS; h++)
		t->hook_ok[h] = c->st[h].mode >= 0;
	for (size_t i = 0; i < c->nr_cbs; i++)
		if (c->cbs[i].cause == LT_CAUSE_SHOOT_LAZY)
			t->shoot_lazy_ksym = true;
	t->whatif = c->opts.whatif;
	t->membarrier_args = c->st[H_MEMBARRIER].mode == M_TRACEPOINT;
	t->broadcast_flush = probe_broadcast_flush(t->broadcast_probe, sizeof(t->broadcast_probe));
	t->guest_source = probe_guest_state(c->env, t->hook_ok[H_KVM_ENTRY] && t->hook_ok[H_KVM_EXIT]);
	if (t->guest_source && guest_pf_vcpu_forced())
		t->guest_source = LT_GUEST_SRC_PF_VCPU;
	t->senders = !c->opts.no_senders && !c->opts.empty;
	t->stacks = c->opts.stacks;
	t->sender_cpus = c->opts.sender_cpus;
	t->race_window_ns = c->opts.race_window_ns;
	t->btf_custom_path = c->opts.btf_custom_path;
	t->kconfig = c->kconfig;
	core_facts_apply(c);
}

const struct lt_trace_info *collector_info(const struct collector *c)
{
	return &c->info;
}

const char *collector_guest_state_source(const struct collector *c)
{
	return c->info.guest_source;
}

struct json *collector_probes_json(const struct collector *c)
{
	return probes_json(c->st);
}

struct collector *collector_open(const struct collector_opts *o, char *err, size_t errlen)
{
	struct collector *c;
	char buf[4096];
	int rc = 1;

	if (geteuid() != 0) {
		snprintf(err, errlen, "must be run as root (loading BPF programs needs CAP_BPF and CAP_PERFMON)");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->opts = *o;
	if (!c->opts.race_window_ns)
		c->opts.race_window_ns = 1000000;
	c->info.nr_cpu_ids = possible_cpu_ids();
	c->info.nr_possible = (unsigned int)libbpf_num_possible_cpus();
	if (c->info.nr_cpu_ids > LT_MAX_CPUS || c->info.nr_possible > LT_MAX_CPUS) {
		snprintf(err, errlen, "more than %d possible CPUs: not supported", LT_MAX_CPUS);
		free(c);
		return NULL;
	}
	c->base = calloc(c->info.nr_possible, sizeof(*c->base));
	if (!c->base) {
		snprintf(err, errlen, "out of memory");
		free(c);
		return NULL;
	}
	read_line("/sys/devices/system/cpu/nohz_full", buf, sizeof(buf));
	if (strcmp(buf, "(null)"))
		lt_parse_cpulist(buf, c->nohz_mask, LT_MAX_CPUS);
	for (unsigned int i = 0; i < LT_MAX_CPUS / 64; i++)
		c->info.kentry |= o->whatif && !o->empty && c->nohz_mask[i];
	if (o->cpus) {
		if (!lt_parse_cpulist(o->cpus, c->info.cpu_mask, LT_MAX_CPUS)) {
			snprintf(err, errlen, "bad CPU list '%s' (expected e.g. 0-3,6)", o->cpus);
			free(c->base);
			free(c);
			return NULL;
		}
	} else {
		read_line("/sys/devices/system/cpu/online", buf, sizeof(buf));
		lt_parse_cpulist(buf, c->info.cpu_mask, LT_MAX_CPUS);
	}
	/* `run` measures its workload in this process's mm: a free() that gives memory back
	 * (munmap of a large chunk, or a heap trim) is a TLB flush there, with the workload's
	 * peer CPU in the mask, counted as the workload's. Keep freed memory instead. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	libbpf_quiet = o->quiet;
	libbpf_set_print(libbpf_print);
	c->nr_cbs = causes_resolve(c->cbs, LT_MAX_CB_CAUSES);
	c->env = probe_env_new(o->btf_custom_path, err, errlen);
	if (!c->env) {
		free(c);
		return NULL;
	}
	for (int round = 0; rc == 1 && round < 4 * H_NR_HOOKS; round++) {
		rc = load_round(c, err, errlen);
		if (rc == 1)
			unload(c);
	}
	if (rc) {
		if (rc == 1)
			snprintf(err, errlen, "could not settle on probe variants");
		collector_close(c);
		return NULL;
	}
	/* merge demotion reasons into the per-variant reasons shown by `probes` */
	for (int h = 0; h < H_NR_HOOKS; h++)
		for (int m = 0; m < M_NR_MODES; m++)
			if (c->demoted[h][m])
				snprintf(c->st[h].why[m], sizeof(c->st[h].why[m]), "%s", c->demote_why[h][m]);
	if (c->st[H_SCHED_SWITCH].mode < 0) {
		snprintf(err, errlen, "cannot trace context switches (sched_switch): %s",
			 c->st[H_SCHED_SWITCH].why[M_RAW_TP]);
		collector_close(c);
		return NULL;
	}
	/* the kernel's run-time accounting costs two clock reads per program run */
	/* off unless asked: the kernel's run-time accounting reads the clock twice per program
	 * run, more than most of our programs cost (the pipe benchmark's gap to the floor) */
	c->stats_fd = o->stats ? bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
	c->kconfig = kconfig_load();
	trace_info_fill(c);
	kick_cpus(c);
	return c;
}

/* Read a per-CPU array element: nr_possible values, each rounded up to 8 bytes */
void collector_close(struct collector *c)
{
	if (!c)
		return;
	unload(c);
	if (c->stats_fd > 0)
		close(c->stats_fd);
	probe_env_free(c->env);
	kconfig_free(c->kconfig);
	senders_rows_free(c->snd_base);
	ksym_table_free(c->ksyms);
	free(c->ival_prev);
	free(c->base);
	senders_rows_free(c->ival_snd);
	senders_rows_free(c->ival_snd_now);
	free(c);
}

int collector_overhead(const struct collector *c, struct lt_overhead *ov)
{
	struct bpf_program *prog;
	size_t n = 0;

	memset(ov, 0, sizeof(*ov));
	ov->stats_enabled = c->stats_fd > 0;
	bpf_object__for_each_program(prog, c->skel->obj)
		n++;
	ov->progs = calloc(n ? n : 1, sizeof(*ov->progs));
	if (!ov->progs)
		return -ENOMEM;
	bpf_object__for_each_program(prog, c->skel->obj) {
		struct lt_prog_cost *p = &ov->progs[ov->nr_progs];
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (c->stats_fd <= 0 || !bpf_program__autoload(prog) || prog == c->skel->progs.core_probe ||
		    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		snprintf(p->name, sizeof(p->name), "%s", bpf_program__name(prog));
		p->run_cnt = info.run_cnt;
		p->run_time_ns = info.run_time_ns;
		ov->nr_progs++;
	}
	return 0;
}
