/* SPDX-License-Identifier: GPL-2.0 */
/* procfs.h - what the collector reads from /proc and /sys: interrupt counts,
 * kernel config, CPU lists, host facts. Independent of the BPF side, which is
 * why /proc/interrupts serves as ground truth for the IPI counts. */
#ifndef LT_PROCFS_H
#define LT_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include "json.h"

/* TLB, CAL, RES, LOC (x86 names; powerpc has LOC twice: summed), IPI (powerpc: the
 * numbered interrupt line whose action is "IPI" or "IPI-0", which every muxed IPI message
 * rides on: call function, reschedule, tick broadcast), DBL (powerpc doorbells, IPIs
 * between threads of a core), and ALL: the sum of the per-CPU rows that count interrupts,
 * i.e. each CPU's interrupts of any kind (what disturbs a nohz_full CPU); rows counted
 * inside others (x86 TLB within CAL) are left out */
/* CPUs the /proc and sysfs readers take: the largest NR_CPUS x86 and powerpc allow (the BPF
 * side's LT_MAX_CPUS, checked where both are seen) */
#define LT_SYS_MAX_CPUS 8192

#define LT_IRQ_ROWS 7
#define LT_IRQ_TLB 0
#define LT_IRQ_IPI 4
#define LT_IRQ_ALL 6
extern const char *const lt_irq_row_names[LT_IRQ_ROWS];
/* the rows counting IPI interrupts: CAL RES IPI DBL (x86's TLB row counts calls, inside CAL) */
#define LT_IRQ_NR_IPI_ROWS 4
extern const int lt_irq_ipi_rows[LT_IRQ_NR_IPI_ROWS];

struct irq_snapshot {
	unsigned int nr_cpus;            /* highest CPU number among the columns + 1 */
	uint64_t cpus[LT_SYS_MAX_CPUS / 64];        /* the CPUs with a column (online when read) */
	bool present[LT_IRQ_ROWS];
	uint64_t per_cpu[LT_IRQ_ROWS][LT_SYS_MAX_CPUS];
	int ipi_irq;                     /* Linux irq number of the IPI line, -1 if none */
};

int irq_snapshot_read(struct irq_snapshot *s);
int irq_snapshot_read_file(const char *path, struct irq_snapshot *s); /* a saved copy */
/* {"TLB": n, "CAL": n, "RES": n, "per_cpu": {"TLB": [..], ...}, "cpus_left_out": [..]};
 * absent rows are null. A CPU without a column in a or b (offline then: /proc/interrupts
 * shows online CPUs only) has null per-CPU deltas and is left out of the sums, and listed. */
struct json *irq_snapshot_delta_json(const struct irq_snapshot *a, const struct irq_snapshot *b);

/* /proc/stat per CPU, in seconds since boot: busy (user, nice, system, irq, softirq) and
 * steal (time a hypervisor ran something else on this vCPU) */
struct cpu_times {
	unsigned int nr_cpus;            /* highest CPU number with a line + 1 */
	double busy[LT_SYS_MAX_CPUS], steal[LT_SYS_MAX_CPUS];
};
int cpu_times_read(struct cpu_times *t);
/* CPU time of this process's threads and its reaped children (getrusage), in seconds */
double self_cpu_seconds(void);

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
/* the machine, as a result's "host" records it */
struct lt_host {
	char hostname[256], arch[65], cpu_model[256];
	unsigned int nr_cpus, nr_cpu_ids;      /* online; nr_cpu_ids (highest possible + 1) */
	char online_cpus[4096], nohz_full[4096], isolcpus[4096]; /* cpulists ("" none) */
	const char *virt;                      /* none | kvm | tcg | other */
	bool hypervisor;                       /* x86 CPUID: we run under one, hv_vendor's */
	char hv_vendor[13];
	int kvm_pv_tlb_flush;                  /* KVM offers PV TLB flush: 1, 0; -1 not KVM's */
};
void host_read(struct lt_host *h);

#endif
