/* SPDX-License-Identifier: GPL-2.0 */
/*
 * senders.h - who sends the IPIs: the BPF side counts requests per (cause, task,
 * kernel stack) in the senders map; this reads it around a rep and names each stack's
 * callsite, the first frame outside the IPI plumbing (smp_call_function*, the TLB-flush and
 * wakeup machinery, the tracer's own frames).
 */
#ifndef LT_SENDERS_H
#define LT_SENDERS_H

#include <stdbool.h>
#include <stddef.h>
#include "result/snapshot.h"

struct sender_rows; /* the map's contents at one moment, summed over CPUs */

/* the tables a request is counted in, finest first: per (cause, task, stack); per (cause, comm,
 * stack) when that is full; per cause when both are; and the per-CPU pinned rows (-1: none),
 * which count per (cause, task, stack) too */
struct senders_fds {
	int task, folded, cause, pins;
};

/* The tables' rows into *rows (allocated when NULL, else refilled in place: the rows are
 * ~300 KiB, and a free of that is a munmap) */
int senders_read(const struct senders_fds *fd, unsigned int nr_possible, struct sender_rows **rows);
void senders_rows_free(struct sender_rows *r);
/* The rep's senders: end minus begin, most requests first, symbolized (stacks kept when asked).
 * *out is malloc'ed, each row's stack too (lt_snapshot_free frees them); returns the count, or 0. */
size_t senders_delta(const struct sender_rows *begin, const struct sender_rows *end, int stack_fd,
		     const struct ksym_table *ks, bool stacks, struct lt_sender **out);
/* Is this function IPI plumbing (not a callsite)? */
bool sender_plumbing(const char *func);

#endif
