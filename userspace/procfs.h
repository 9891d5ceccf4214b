/* SPDX-License-Identifier: GPL-2.0 */
/* procfs.h - what the collector reads from /proc and /sys: interrupt counts,
 * kernel config, CPU lists, host facts. Independent of the BPF side, which is
 * why /proc/interrupts serves as ground truth for the IPI counts. */
#ifndef LT_PROCFS_H
#define LT_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include "json.h"

/* TLB, CAL, RES, LOC (x86 names; other arches report what they have) and ALL: the sum of
 * the per-CPU rows that count interrupts, i.e. each CPU's interrupts of any kind (what
 * disturbs a nohz_full CPU); rows counted inside others (x86 TLB within CAL) are left out */
#define LT_IRQ_ROWS 5
#define LT_IRQ_ALL 4
extern const char *const lt_irq_row_names[LT_IRQ_ROWS];

struct irq_snapshot {
	unsigned int nr_cpus;            /* columns seen */
	bool present[LT_IRQ_ROWS];
	uint64_t per_cpu[LT_IRQ_ROWS][1024];
};

int irq_snapshot_read(struct irq_snapshot *s);
/* {"TLB": n, "CAL": n, "RES": n, "per_cpu": {"TLB": [..], ...}}; absent rows are null */
struct json *irq_snapshot_delta_json(const struct irq_snapshot *a, const struct irq_snapshot *b);

/* kernel config value of `name` ("y", "m", "n" for "is not set", "absent"), and
 * where it came from ("/proc/config.gz", "/boot/config-<release>", or NULL) */
struct kconfig;
struct kconfig *kconfig_load(void);
const char *kconfig_get(const struct kconfig *k, const char *name);
const char *kconfig_source(const struct kconfig *k);
void kconfig_free(struct kconfig *k);

/* first line of a small file, trailing newline removed; "" if unreadable */
void read_line(const char *path, char *buf, size_t len);
unsigned int online_cpu_count(void);
unsigned int possible_cpu_ids(void); /* nr_cpu_ids: highest possible + 1 */
/* host object of the schema */
struct json *host_json(void);

#endif
