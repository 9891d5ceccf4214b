/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpumask.bpf.h - CPU masks of the running kernel's nr_cpu_ids bits: the kernel's (mm_cpumask,
 * __cpu_online_mask, the masks IPIs are sent to) and the scratch copies lazytlb keeps while a
 * remote flush or a membarrier call is open. No mask stops at 64 CPUs: a machine with 192 CPUs
 * has 3 words, each walked.
 *
 * Walks are bounded loops whose trip count the verifier knows: cfg is frozen .rodata, so
 * lt_words() is a constant at load and a loop is explored for that many words only (1 word on a
 * 64-CPU kernel, 128 at NR_CPUS 8192). Per set bit the work is a global function taking
 * scalars: verified once, whatever the number of bits.
 */
#ifndef LT_CPUMASK_BPF_H
#define LT_CPUMASK_BPF_H

#include "cfg.bpf.h"

/* bits set in w, without a loop (the verifier counts no iterations) */
static __always_inline __u32 popcount64(__u64 w)
{
	w = w - ((w >> 1) & 0x5555555555555555ULL);
	w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (w * 0x0101010101010101ULL) >> 56;
}

/* words in a CPU mask of this kernel */
static __always_inline __u32 lt_words(void)
{
	__u32 n = (cfg.nr_cpu_ids + 63) / 64;

	return n < LT_MASK_WORDS ? n : LT_MASK_WORDS;
}

/* the word of `cpu`, masked behind a barrier: clang otherwise drops the mask as implied by the
 * caller's bound check and indexes with a copy the 6.1 verifier has no bound for ("invalid
 * access to map value") */
static __always_inline __u32 lt_word_of(__u32 cpu)
{
	__u32 w = cpu / 64;

	barrier_var(w);
	return w & (LT_MASK_WORDS - 1);
}

static __always_inline bool lt_mask_test(const __u64 *m, __u32 cpu)
{
	return cpu < LT_MAX_CPUS && (m[lt_word_of(cpu)] >> (cpu % 64) & 1);
}

static __always_inline void lt_mask_set(__u64 *m, __u32 cpu)
{
	if (cpu < LT_MAX_CPUS)
		m[lt_word_of(cpu)] |= 1ULL << (cpu % 64);
}

static __always_inline void lt_mask_clear(__u64 *m, __u32 cpu)
{
	if (cpu < LT_MAX_CPUS)
		m[lt_word_of(cpu)] &= ~(1ULL << (cpu % 64));
}

static __always_inline void lt_mask_zero(__u64 *m)
{
	__u32 words = lt_words();

	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		if (i >= words)
			break;
		*(volatile __u64 *)&m[i] = 0; /* not a memset: the BPF target has none */
	}
}

/* m = the kernel mask at `kmask` (nr_cpu_ids bits, one read): 0, or the read's error. A
 * kernel cpumask is allocated to BITS_TO_LONGS(nr_cpu_ids) words at least (cpumask_size(),
 * mm_cpumask at the end of mm_struct: 5.10-7.2). */
static __always_inline int lt_mask_read(__u64 *m, const void *kmask)
{
	return bpf_probe_read_kernel(m, lt_words() * sizeof(__u64), kmask);
}

/* word i of the online CPUs: the kernel's mask where kallsyms gave its address, else the
 * mask userspace read from sysfs at start */
static __always_inline __u64 lt_online_word(__u32 i)
{
	__u64 w = 0;

	if (cfg.online_mask_addr &&
	    !bpf_probe_read_kernel(&w, sizeof(w), (void *)(cfg.online_mask_addr + (i & (LT_MASK_WORDS - 1)) * 8ULL)))
		return w;
	return cfg.online_mask[i & (LT_MASK_WORDS - 1)];
}

static __always_inline bool lt_cpu_online(__u32 cpu)
{
	return cpu < LT_MAX_CPUS && (lt_online_word(lt_word_of(cpu)) >> (cpu % 64) & 1);
}

/* m = the online CPUs */
static __always_inline void lt_mask_online(__u64 *m)
{
	__u32 words = lt_words();

	if (cfg.online_mask_addr && !lt_mask_read(m, (void *)cfg.online_mask_addr))
		return;
	for (__u32 i = 0; i < LT_MASK_WORDS; i++) {
		if (i >= words)
			break;
		*(volatile __u64 *)&m[i] = cfg.online_mask[i]; /* not a memcpy, likewise */
	}
}

/*
 * For each bit set in the word `w` (w is consumed): `cpu` = base + the bit's index, lowest
 * first; `continue` and `break` work as in a plain loop. The bound of 64 is the verifier's;
 * at run time the loop turns once per set bit. (A plain bit walk: clang 14 crashes on
 * __builtin_ctzl for the BPF target.)
 */
#define lt_for_each_bit(w, base, cpu)                                                   \
	for (__u32 __lt_b = 0; __lt_b < 64 && (w); __lt_b++, (w) &= (w) - 1)          \
		if (((cpu) = (base) + popcount64(((w) & -(w)) - 1)), 1)

#endif /* LT_CPUMASK_BPF_H */
