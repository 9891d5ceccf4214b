/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps.bpf.h - the maps every hook aggregates into, and the small helpers over them (the
 * per-CPU counters and scratch, histograms, callback causes, per-target CPU state).
 *
 * Aggregation is in-kernel, in per-CPU maps read once per rep by userspace. The only cross-CPU
 * data are cpu_state[] (each slot written by its own CPU, read by IPI senders) and
 * ipi_pending[] (written by the sender, consumed by the target), one cache line per CPU, no
 * atomics.
 */
#ifndef LT_MAPS_BPF_H
#define LT_MAPS_BPF_H

#include "cfg.bpf.h"
#include "cpumask.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_HISTS);
	__type(key, __u32);
	__type(value, struct lt_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct lt_cpu_state);
} cpu_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct lt_ipi_pending);
} ipi_pending SEC(".maps");

/* flush_tlb_mm_range calls in flight, by pid (lazytlb.h struct lt_ftmr). A shared hash: this
 * path costs microseconds already, and the call's two ends may be on two CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_FTMR);
	__type(key, __u32);
	__type(value, struct lt_ftmr);
} ftmr_calls SEC(".maps");

/* callback address -> enum lt_cause, written by the loader before attaching */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_CB_CAUSES);
	__type(key, __u64);
	__type(value, __u32);
} cb_causes SEC(".maps");

/* queued calls per callback address, per CPU: the symbols behind every cause ("other" too) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_MAX_CB_COUNTS);
	__type(key, struct lt_cb_key);
	__type(value, __u64);
} cb_counts SEC(".maps");

/* requests per sender (lazytlb.h: struct lt_sender_key), and the senders' kernel stacks */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_MAX_SENDERS);
	__type(key, struct lt_sender_key);
	__type(value, struct lt_sender_val);
} senders SEC(".maps");

/* what senders could not take, per (cause, comm, stack): the key's tgid is 0 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_MAX_SENDERS_FOLDED);
	__type(key, struct lt_sender_key);
	__type(value, struct lt_sender_val);
} senders_folded SEC(".maps");

/* per-CPU rows pinned to the first sender key hashed to each (lazytlb.h struct lt_sender_pin) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_SENDER_PINS);
	__type(key, __u32);
	__type(value, struct lt_sender_pin);
} sender_pins SEC(".maps");

/* ... and what neither could, per cause: an array, it never fills */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_CAUSES);
	__type(key, __u32);
	__type(value, struct lt_sender_val);
} sender_causes SEC(".maps");

/* Not a STACK_TRACE map: before the clamp in stackid_init() (6.12.117 has it, Debian 6.1.176
 * not), bpf_get_stackid() copied every frame the callchain returned into a bucket sized for
 * value_size/8, and powerpc's perf_callchain_kernel() adds a context marker per interrupt
 * frame beyond that cap: a 6.1 ppc64el guest oopsed on the corrupted memory. bpf_get_stack()
 * clamps its copy to the buffer on every kernel; the frames are kept by their hash. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_SENDER_STACKS);
	__type(key, __u64);
	__type(value, __u64[LT_SENDER_DEPTH]);
} sender_stacks SEC(".maps");

/* the mm_struct kmem_cache, read once from &mm_cachep (kmem_cache_free fallback) */
__u64 mm_cache_ptr = 0;

static __always_inline struct lt_counters *ctrs(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline struct lt_scratch *scr(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/* w with the bytes from its first NUL on cleared (little-endian: the lowest zero byte; the
 * borrow in the zero-byte test marks only bytes above a real zero); *nul: it had one */
static __always_inline __u64 lt_before_nul(__u64 w, bool *nul)
{
	__u64 z = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;

	if (!z)
		return w;
	*nul = true;
	return w & (((z & -z) >> 7) - 1);
}

/* The current task's name as bpf_get_current_comm() gives it (zeros after the NUL). Where
 * cfg.task_btf (5.11+ with the kernel's BTF) it is read from the task: two loads, where the
 * helper cost ~60 ns per request on a 6.18 AMD guest (strscpy_pad, its calls and returns under
 * the Safe RET mitigation), a quarter of the send path. */
static __always_inline void lt_current_comm(__u64 w[2])
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (cfg.task_btf) {
		struct task_struct *t = bpf_get_current_task_btf();
		bool nul = false;

		w[0] = lt_before_nul(*(__u64 *)&t->comm[0], &nul);
		w[1] = nul ? 0 : lt_before_nul(*(__u64 *)&t->comm[8], &nul);
		return;
	}
#endif
	bpf_get_current_comm(w, 16);
}

/* the current task's mm (0 for a kernel thread), likewise; not with what-if, whose global
 * function takes the mm as a scalar (the verifier keeps a loaded pointer a pointer) */
static __always_inline __u64 lt_current_mm(void)
{
	struct task_struct *t;

	if (cfg.task_btf && !cfg.whatif)
		return (__u64)bpf_get_current_task_btf()->mm;
	t = (struct task_struct *)bpf_get_current_task();
	return (__u64)BPF_CORE_READ(t, mm);
}

static __always_inline void hist_record(__u32 id, __u64 v)
{
	struct lt_hist *h = bpf_map_lookup_elem(&hists, &id);

	if (h)
		lt_hist_add(h, v);
}

/* The cause of a callback. cb_causes is written once, before attaching, so a per-CPU cache of
 * it never goes stale: a queued call and its handler read a scratch slot instead of hashing
 * into the shared map (a handful of callbacks make up a storm). A program that interrupts this
 * one on this CPU may rewrite the slot between two of its stores or loads: the check word ties
 * func and value together, and a slot mixed from two writers reads as a miss. The value is
 * cb_causes': the cause, and above LT_CB_KNOWN_SHIFT the callback's index + 1 in
 * counters.cb_known (0: not one the loader named). */
#define LT_CAUSE_CHECK(func, val) ((func) ^ ((__u64)(val) + 1) * 0x9E3779B97F4A7C15ULL)

static __always_inline struct lt_cause_slot *cause_slot(__u64 func)
{
	struct lt_scratch *s = scr();

	return s ? &s->causes[((func >> 4) * 0x9E3779B97F4A7C15ULL >> 60) & (LT_CAUSE_CACHE - 1)] : NULL;
}

/* func's cb_causes value from its cache slot, or -1 on a miss */
static __always_inline long cause_cached(struct lt_cause_slot *e, __u64 func)
{
	__u64 f, chk;
	__u32 v;

	if (!e)
		return -1;
	f = *(volatile __u64 *)&e->func;
	chk = *(volatile __u64 *)&e->check;
	v = *(volatile __u32 *)&e->cause;
	return f == func && chk == LT_CAUSE_CHECK(func, v) && (v & LT_CB_CAUSE_MASK) < LT_NR_CAUSES ? (long)v : -1;
}

static __always_inline __u32 cause_of(__u64 func)
{
	struct lt_cause_slot *e;
	__u32 *val, r;
	long v;

	if (!func)
		return LT_CAUSE_RESCHED;
	e = cause_slot(func);
	v = cause_cached(e, func);
	if (v >= 0)
		return v & LT_CB_CAUSE_MASK;
	val = bpf_map_lookup_elem(&cb_causes, &func);
	r = val && (*val & LT_CB_CAUSE_MASK) < LT_NR_CAUSES ? *val : LT_CAUSE_OTHER;
	if (e) {
		e->func = func;
		e->cause = r;
		e->check = LT_CAUSE_CHECK(func, r);
	}
	return r & LT_CB_CAUSE_MASK;
}

/* the cause of a queued csd: its callback's, else irq_work by the csd type */
static __always_inline __u32 csd_cause(__u64 func, struct __call_single_data *csd)
{
	__u32 cause = cause_of(func);

	if (cause == LT_CAUSE_OTHER && lt_csd_node_is_irq_work(csd))
		return LT_CAUSE_IRQ_WORK;
	return cause;
}

/* One more queued call with this callback: a callback the loader named, counted with its own
 * cause, in its slot of counters.cb_known (found through the cause cache cause_of() just
 * filled); any other (or on a cache miss) in the cb_counts hash. */
static __always_inline void count_callback(struct lt_counters *c, __u64 func, __u32 cause)
{
	struct lt_cb_key k = { .func = func, .cause = cause };
	long v = func ? cause_cached(cause_slot(func), func) : -1;
	__u64 one = 1, *n;
	__u32 i;

	if (!func)
		return;
	if (c && v >= 0 && (v & LT_CB_CAUSE_MASK) == cause && (i = v >> LT_CB_KNOWN_SHIFT)) {
		c->cb_known[(i - 1) & (LT_MAX_CB_CAUSES - 1)]++;
		return;
	}
	n = bpf_map_lookup_elem(&cb_counts, &k);
	if (n)
		(*n)++;
	else if (bpf_map_update_elem(&cb_counts, &k, &one, BPF_NOEXIST) && c)
		c->cb_counts_full++; /* full, or -EBUSY: a program nested on this CPU holds the bucket */
}

static __always_inline bool is_nohz_full(__u32 cpu)
{
	return lt_mask_test((const __u64 *)cfg.nohz_full_mask, cpu);
}

/* 1 user/idle, 0 kernel, -1 unknown, by context tracking on `cpu`: at its per-CPU address from
 * kallsyms (the symbol plus __per_cpu_offset[cpu]) or, without data symbols there, the one
 * on_switch derived from the CPU's runqueue */
static __always_inline int ct_user_mode(__u32 cpu)
{
	__u64 off = 0;

	if (cpu >= LT_MAX_CPUS)
		return -1;
	if (!cfg.ct_addr || !cfg.per_cpu_offset) {
		struct lt_cpu_state *cs = bpf_map_lookup_elem(&cpu_state, &cpu);

		return cs ? lt_ct_user_mode(cs->ct_addr) : -1;
	}
	if (bpf_probe_read_kernel(&off, sizeof(off), (void *)(cfg.per_cpu_offset + cpu * 8ULL)))
		return -1;
	return lt_ct_user_mode(cfg.ct_addr + off);
}

/* CPUs in mm_cpumask(mm): sampled every cfg.sharing_period-th lazy op so that
 * the per-event cost does not grow with the number of CPUs */
static __always_inline void sample_sharing(struct lt_counters *c, struct mm_struct *mm)
{
	const unsigned long *mask;
	__u32 words, n = 0;

	if (!mm || (cfg.sharing_period > 1 && (c->sharing_tick++ % cfg.sharing_period)))
		return;
	mask = lt_mm_cpumask(mm);
	words = lt_words();
	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		unsigned long w = 0;

		if (i >= words)
			break;
		if (bpf_probe_read_kernel(&w, sizeof(w), &mask[i]))
			break;
		n += popcount64(w);
	}
	hist_record(LT_H_SHARING, n);
}

#endif /* LT_MAPS_BPF_H */
