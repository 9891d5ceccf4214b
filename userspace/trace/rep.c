// SPDX-License-Identifier: GPL-2.0
/*
 * rep.c - the collector around a rep: the maps, /proc/interrupts and /proc/stat read at its
 * start and end (or at each interval of record -I), handed back as a struct lt_snapshot that
 * the caller owns. The BPF object's life is collector.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/clock.h"
#include "lib/kallsyms.h"
#include "result/hist.h"
#include "collector_int.h"
#include "senders.h"
#include "lazytlb.skel.h"

static int read_percpu(const struct collector *c, int map_fd, __u32 key, void *vals, size_t val_size)
{
	return bpf_map_lookup_elem(map_fd, &key, vals) ? -errno : 0;
}

/* IPIs (and x86 TLB-flush calls) /proc/interrupts counted between two snapshots: the rows
 * read_together watches */
static uint64_t ipi_rows_moved(const struct irq_snapshot *a, const struct irq_snapshot *b)
{
	uint64_t n = 0;

	for (int i = -1; i < LT_IRQ_NR_IPI_ROWS; i++) {
		int row = i < 0 ? LT_IRQ_TLB : lt_irq_ipi_rows[i];

		for (unsigned int c = 0; a->present[row] && c < a->nr_cpus && c < LT_SYS_MAX_CPUS; c++)
			if (b->per_cpu[row][c] > a->per_cpu[row][c])
				n += b->per_cpu[row][c] - a->per_cpu[row][c];
	}
	return n;
}

/*
 * /proc/interrupts and the counters as of one moment: /proc is read before and after the
 * counters until no IPI landed in between, so the ground truth and the counts cover the same
 * window. A single read on each side left the IPIs in flight at a rep's edge on one side only:
 * a loaded TCG guest (each IPI ~100 us, a /proc read ~ms) counted 3 more than /proc in 75 when
 * the counters came first, 4 fewer when /proc came first. 20 tries, for a burst at a rep's edge
 * (a workload winding down in a TCG guest skewed 4 of 15 IPIs after 5 tries; reading the senders
 * outside the loop instead let 4 resched sends into the senders only). When every try saw an
 * IPI land, irq stays the snapshot taken just before the counters and *edge gets the IPIs that
 * landed during that last try: the rep's counts and /proc may differ by that many, and the result
 * says so (procfs.edge_ipis). Before, the snapshot after the counters was kept, and a loaded CI
 * host's ppc 6.1 guest counted 8 IPIs where /proc had 5, with nothing to say why.
 */
static int read_together(struct collector *c, struct irq_snapshot *irq, struct lt_counters *ctr,
			 struct sender_rows **snd, uint64_t *edge)
{
	struct irq_snapshot *after = malloc(sizeof(*after));
	const struct senders_fds fds = { bpf_map__fd(c->skel->maps.senders), bpf_map__fd(c->skel->maps.senders_folded),
					 bpf_map__fd(c->skel->maps.sender_causes), bpf_map__fd(c->skel->maps.sender_pins) };
	int rc = 0;

	*edge = 0;
	irq_snapshot_read(irq);
	for (int i = 0; i < 20; i++) {
		/* the senders right after the counters: the same window but for microseconds */
		rc = read_percpu(c, bpf_map__fd(c->skel->maps.counters), 0, ctr, sizeof(*ctr));
		if (!rc && snd) /* refilled in place: a free here is a munmap, a TLB flush in run's mm */
			senders_read(&fds, c->info.nr_possible, snd);
		if (rc || !after || irq_snapshot_read(after) || !(*edge = ipi_rows_moved(irq, after)))
			break;
		if (i < 19)
			*irq = *after; /* an IPI landed: try again from this snapshot */
	}
	free(after);
	return rc;
}

int collector_rep_begin(struct collector *c)
{
	size_t hsz = sizeof(struct lt_hist) * c->info.nr_possible;
	void *zero = calloc(1, hsz);
	struct irq_snapshot *pre = malloc(sizeof(*pre));
	int rc;

	if (!zero || !pre) {
		free(zero);
		free(pre);
		return -ENOMEM;
	}
	/* callbacks before counters here, after them at the end: a call between the two reads is
	 * then in the callbacks' delta, never only in the counters' (other is always named) */
	c->nr_cb_base = cb_counts_read(bpf_map__fd(c->skel->maps.cb_counts), c->info.nr_possible, c->cb_base);
	cpu_times_read(&c->ct_base);
	c->own_base = self_cpu_seconds();
	/* histograms restart from zero (min/max cannot be subtracted), just before the counters'
	 * base (what lands between counts in them only); counters are subtracted from that
	 * baseline, so BPF-side increments are never lost */
	if (irq_snapshot_read(pre))
		pre->nr_cpus = 0;
	for (__u32 id = 0; id < LT_NR_HISTS; id++)
		bpf_map_update_elem(bpf_map__fd(c->skel->maps.hists), &id, zero, BPF_ANY);
	free(zero);
	rc = read_together(c, &c->irq_base, c->base, c->info.senders ? &c->snd_base : NULL, &c->edge_base);
	c->nr_cb_base = cb_known_add(c->cb_base, c->nr_cb_base, c->base, c->info.nr_possible, c->cbs, c->nr_cbs);
	/* the histograms are zeroed one by one, programs running: an IPI handled meanwhile may
	 * be in one histogram and not in another (a total and its split) */
	c->hist_edge_base = pre->nr_cpus ? ipi_rows_moved(pre, &c->irq_base) : 0;
	free(pre);
	c->t0 = lt_now_ns();
	/* intervals start with the rep */
	if (!c->ival_prev)
		c->ival_prev = calloc(c->info.nr_possible, sizeof(*c->ival_prev));
	if (c->ival_prev)
		memcpy(c->ival_prev, c->base, sizeof(*c->ival_prev) * c->info.nr_possible);
	c->ival_irq = c->irq_base;
	c->ival_edge = c->edge_base;
	c->ival_t = c->t0;
	return rc;
}

/* What else ran on the measured CPUs since the rep began */
static void noise_read(struct collector *c, const struct irq_snapshot *irq_end, double secs, struct lt_noise *n)
{
	struct cpu_times *ct = malloc(sizeof(*ct));

	memset(n, 0, sizeof(*n));
	if (!ct || cpu_times_read(ct)) {
		free(ct);
		return;
	}
	n->own_s = self_cpu_seconds() - c->own_base;
	for (unsigned int cpu = 0; cpu < ct->nr_cpus && cpu < LT_MAX_CPUS; cpu++) {
		if (!(c->info.cpu_mask[cpu / 64] & (1ULL << (cpu % 64))))
			continue;
		n->cpus_s += secs;
		n->busy_s += ct->busy[cpu] - c->ct_base.busy[cpu];
		n->steal_s += ct->steal[cpu] - c->ct_base.steal[cpu];
		if (irq_end->present[LT_IRQ_ALL] && cpu < LT_SYS_MAX_CPUS) {
			uint64_t all = irq_end->per_cpu[LT_IRQ_ALL][cpu] - c->irq_base.per_cpu[LT_IRQ_ALL][cpu];

			for (int r = 0; r < LT_IRQ_NR_IPI_ROWS; r++) {
				int row = lt_irq_ipi_rows[r];

				if (irq_end->present[row])
					all -= irq_end->per_cpu[row][cpu] - c->irq_base.per_cpu[row][cpu];
			}
			n->other_interrupts += all;
		}
	}
	n->known = true;
	free(ct);
}

/* A snapshot with its counters, histograms (zero) and /proc/interrupts at both edges
 * allocated, the first edge copied from begin; NULL when out of memory */
static struct lt_snapshot *snapshot_new(const struct collector *c, const struct irq_snapshot *begin)
{
	struct lt_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->pc = calloc(c->info.nr_possible, sizeof(*s->pc));
	s->hs = calloc((size_t)c->info.nr_possible * LT_NR_HISTS, sizeof(*s->hs));
	s->irq_begin = malloc(sizeof(*s->irq_begin));
	s->irq_end = malloc(sizeof(*s->irq_end));
	if (!s->pc || !s->hs || !s->irq_begin || !s->irq_end) {
		lt_snapshot_free(s);
		return NULL;
	}
	*s->irq_begin = *begin;
	return s;
}

/* now -= base, per CPU (every field of lt_counters is a u64); with advance, base takes the
 * values now had (record -I: the next interval starts here) */
static void counters_delta(struct lt_counters *now, struct lt_counters *base, unsigned int ncpu, bool advance)
{
	for (unsigned int cpu = 0; cpu < ncpu; cpu++) {
		__u64 *a = (__u64 *)&now[cpu], *b = (__u64 *)&base[cpu];

		for (size_t i = 0; i < sizeof(struct lt_counters) / 8; i++) {
			__u64 v = a[i];

			a[i] -= b[i];
			if (advance)
				b[i] = v;
		}
	}
}

struct lt_snapshot *collector_rep_end(struct collector *c)
{
	struct lt_snapshot *s = snapshot_new(c, &c->irq_base);
	struct sender_rows *snd_end = NULL;
	struct irq_snapshot *post = NULL;
	uint64_t edge_end = 0;
	__u64 t1 = lt_now_ns();

	if (!s)
		return NULL;
	if (read_together(c, s->irq_end, s->pc, c->info.senders ? &snd_end : NULL, &edge_end))
		goto fail;
	/* the histograms right after the counters: what lands between counts in them only */
	for (__u32 id = 0; id < LT_NR_HISTS; id++)
		if (read_percpu(c, bpf_map__fd(c->skel->maps.hists), id, s->hs + (size_t)id * c->info.nr_possible,
				sizeof(*s->hs)))
			goto fail;
	if ((post = malloc(sizeof(*post))) && !irq_snapshot_read(post))
		s->hist_edge_ipis = c->hist_edge_base + ipi_rows_moved(s->irq_end, post);
	free(post);
	/* now, before this process reads kallsyms and names things: its CPU time is the rep's */
	noise_read(c, s->irq_end, (double)(t1 - c->t0) / 1e9, &s->noise);
	for (size_t i = 0; i < (size_t)c->info.nr_possible * LT_NR_HISTS; i++)
		hist_untear(&s->hs[i]);
	s->cbs = calloc(LT_MAX_CB_COUNTS + LT_MAX_CB_CAUSES, sizeof(*s->cbs));
	if (!s->cbs)
		goto fail;
	s->nr_cbs = cb_counts_read(bpf_map__fd(c->skel->maps.cb_counts), c->info.nr_possible, s->cbs);
	s->nr_cbs = cb_known_add(s->cbs, s->nr_cbs, s->pc, c->info.nr_possible, c->cbs, c->nr_cbs);
	if (!c->ksyms)
		c->ksyms = ksym_table_load();
	s->nr_cbs = cb_counts_delta(c->cb_base, c->nr_cb_base, s->cbs, s->nr_cbs, c->ksyms);
	counters_delta(s->pc, c->base, c->info.nr_possible, false);
	s->duration_ns = t1 - c->t0;
	s->edge_ipis = c->edge_base + edge_end;
	if (c->info.senders)
		s->nr_senders = senders_delta(c->snd_base, snd_end, bpf_map__fd(c->skel->maps.sender_stacks), c->ksyms,
					      c->opts.stacks, &s->senders);
	senders_rows_free(snd_end);
	return s;
fail:
	senders_rows_free(snd_end);
	lt_snapshot_free(s);
	return NULL;
}

struct lt_snapshot *collector_interval(struct collector *c)
{
	struct lt_snapshot *s = c->ival_prev ? snapshot_new(c, &c->ival_irq) : NULL;
	bool snd = c->opts.interval_senders && c->info.senders;
	struct sender_rows *tmp;
	uint64_t edge = 0;
	__u64 t;

	if (!s)
		return NULL;
	if (read_together(c, s->irq_end, s->pc, snd ? &c->ival_snd_now : NULL, &edge)) {
		lt_snapshot_free(s);
		return NULL;
	}
	t = lt_now_ns();
	counters_delta(s->pc, c->ival_prev, c->info.nr_possible, true);
	/* no histograms or callbacks in an interval: the rep has them; senders for top only */
	s->duration_ns = t - c->ival_t;
	s->edge_ipis = c->ival_edge + edge;
	if (snd) {
		if (!c->ksyms)
			c->ksyms = ksym_table_load();
		/* the first interval starts at the rep's senders */
		s->nr_senders = senders_delta(c->ival_snd ?: c->snd_base, c->ival_snd_now,
					      bpf_map__fd(c->skel->maps.sender_stacks), c->ksyms, false, &s->senders);
		tmp = c->ival_snd;
		c->ival_snd = c->ival_snd_now;
		c->ival_snd_now = tmp;
	}
	c->ival_irq = *s->irq_end;
	c->ival_edge = edge;
	c->ival_t = t;
	return s;
}
