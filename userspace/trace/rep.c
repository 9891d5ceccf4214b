// SPDX-License-Identifier: GPL-2.0
/*
 * rep.c - the collector around a rep: the maps, /proc/interrupts and /proc/stat read at its
 * start and end (or at each interval of record -I), turned into a struct lt_snapshot for
 * analysis/metrics.c. The BPF object's life is collector.c's.
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

/* The rep's snapshot to its JSON; `end`: the senders map read right after the counters */
static struct json *rep_json(struct collector *c, const struct lt_counters *pc, const struct lt_hist *hs,
			     __u64 duration_ns, const struct irq_snapshot *irq_end, uint64_t edge_end,
			     uint64_t hist_edge, struct sender_rows *end, const struct lt_noise *noise)
{
	struct lt_snapshot snap = { .pc = pc, .hs = hs, .duration_ns = duration_ns, .irq_begin = &c->irq_base,
				    .irq_end = irq_end, .edge_ipis = c->edge_base + edge_end, .hist_edge_ipis = hist_edge,
				    .cbs = c->cb_rep, .nr_cbs = c->nr_cb_rep, .noise = *noise };
	struct lt_sender *snd = NULL;
	struct json *rep;

	if (c->info.senders) {
		snap.nr_senders = senders_delta(c->snd_base, end, bpf_map__fd(c->skel->maps.sender_stacks), c->ksyms,
						c->opts.stacks, &snd);
		snap.senders = snd;
	}
	rep = metrics_rep_json(&c->info, &snap);
	senders_free(snd, snap.nr_senders);
	return rep;
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

struct json *collector_rep_end(struct collector *c)
{
	struct lt_counters *now = calloc(c->info.nr_possible, sizeof(*now));
	struct lt_hist *hs = calloc((size_t)c->info.nr_possible * LT_NR_HISTS, sizeof(*hs));
	static struct irq_snapshot irq_end; /* 460 KB: not on the stack */
	struct sender_rows *snd_end = NULL;
	struct json *rep = NULL;
	struct irq_snapshot *post = NULL;
	struct lt_noise noise;
	uint64_t edge_end = 0, hist_edge = 0;
	__u64 t1 = lt_now_ns();

	if (!now || !hs)
		goto out;
	if (read_together(c, &irq_end, now, c->info.senders ? &snd_end : NULL, &edge_end))
		goto out;
	/* the histograms right after the counters: what lands between counts in them only */
	for (__u32 id = 0; id < LT_NR_HISTS; id++)
		if (read_percpu(c, bpf_map__fd(c->skel->maps.hists), id, hs + (size_t)id * c->info.nr_possible,
					  sizeof(*hs)))
			goto out;
	if ((post = malloc(sizeof(*post))) && !irq_snapshot_read(post))
		hist_edge = c->hist_edge_base + ipi_rows_moved(&irq_end, post);
	free(post);
	/* now, before this process reads kallsyms and names things: its CPU time is the rep's */
	noise_read(c, &irq_end, (double)(t1 - c->t0) / 1e9, &noise);
	for (size_t i = 0; i < (size_t)c->info.nr_possible * LT_NR_HISTS; i++)
		hist_untear(&hs[i]);
	c->nr_cb_rep = cb_counts_read(bpf_map__fd(c->skel->maps.cb_counts), c->info.nr_possible, c->cb_rep);
	c->nr_cb_rep = cb_known_add(c->cb_rep, c->nr_cb_rep, now, c->info.nr_possible, c->cbs, c->nr_cbs);
	if (!c->ksyms)
		c->ksyms = ksym_table_load();
	c->nr_cb_rep = cb_counts_delta(c->cb_base, c->nr_cb_base, c->cb_rep, c->nr_cb_rep, c->ksyms);
	counters_delta(now, c->base, c->info.nr_possible, false);
	rep = rep_json(c, now, hs, t1 - c->t0, &irq_end, edge_end, hist_edge, snd_end, &noise);
out:
	senders_rows_free(snd_end);
	free(now);
	free(hs);
	return rep;
}

struct json *collector_interval(struct collector *c)
{
	struct lt_counters *now = calloc(c->info.nr_possible, sizeof(*now));
	struct lt_hist *hs = calloc((size_t)c->info.nr_possible * LT_NR_HISTS, sizeof(*hs));
	struct irq_snapshot *irq = malloc(sizeof(*irq));
	uint64_t ev_plus1 = c->info.ev_plus1, ev_zero = c->info.ev_zero;
	bool snd = c->opts.interval_senders && c->info.senders;
	struct sender_rows *tmp;
	struct json *rep = NULL;
	uint64_t edge = 0;
	__u64 t;

	if (!now || !hs || !irq || !c->ival_prev)
		goto out;
	if (read_together(c, irq, now, snd ? &c->ival_snd_now : NULL, &edge))
		goto out;
	t = lt_now_ns();
	counters_delta(now, c->ival_prev, c->info.nr_possible, true);
	{
		/* no histograms or callbacks in an interval: the rep has them; senders for top only */
		struct lt_snapshot snap = { .pc = now, .hs = hs, .duration_ns = t - c->ival_t, .irq_begin = &c->ival_irq,
					    .irq_end = irq, .edge_ipis = c->ival_edge + edge };
		struct lt_sender *sd = NULL;

		if (snd) {
			if (!c->ksyms)
				c->ksyms = ksym_table_load();
			/* the first interval starts at the rep's senders */
			snap.nr_senders = senders_delta(c->ival_snd ?: c->snd_base, c->ival_snd_now,
							bpf_map__fd(c->skel->maps.sender_stacks), c->ksyms, false, &sd);
			snap.senders = sd;
			tmp = c->ival_snd;
			c->ival_snd = c->ival_snd_now;
			c->ival_snd_now = tmp;
		}
		rep = metrics_rep_json(&c->info, &snap);
		senders_free(sd, snap.nr_senders);
	}
	/* the scheme evidence is the rep's to count, once */
	c->info.ev_plus1 = ev_plus1;
	c->info.ev_zero = ev_zero;
	c->ival_irq = *irq;
	c->ival_edge = edge;
	c->ival_t = t;
	free(c->ival_delta);
	c->ival_delta = now;
	now = NULL;
out:
	free(now);
	free(hs);
	free(irq);
	return rep;
}

const struct lt_counters *collector_interval_percpu(const struct collector *c, unsigned int *nr)
{
	*nr = c->info.nr_possible;
	return c->ival_delta;
}
