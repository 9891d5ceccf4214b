/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interval.h - `lazytlb record -I MS`: one compact record per interval (like `perf stat -I`),
 * computed from a rep object of that interval (metrics_rep_json of collector_interval()'s snapshot).
 */
#ifndef LT_INTERVAL_H
#define LT_INTERVAL_H

#include <stdio.h>
#include "lib/json.h"

/* {"type": "interval", "t_s", "interval_s", "ipis_per_s": {cause: rate, non-zero only},
 *  "ipis_per_s_total", "idle_wakeups_per_s", "nohz_full_wakeups_per_s", "lazy_switches_per_s",
 *  "tlb_flushes_per_s" (flush_tlb_mm_range), "remote_tlb_flushes_per_s" (tlb_flush remote_send_ipi),
 *  "proc_interrupts_per_s": {"CAL", "TLB", "RES", ...}}; a rate whose hook
 * did not attach is null */
struct json *interval_json(const struct json *rep, double t_s);
void interval_print_header(FILE *f);
void interval_print(FILE *f, const struct json *iv);

#endif
