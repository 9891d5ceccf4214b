/* SPDX-License-Identifier: GPL-2.0 */
/* kallsyms.h - look up kernel symbol addresses in /proc/kallsyms (one pass per query set). */
#ifndef LT_KALLSYMS_H
#define LT_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym_query {
	const char *name;   /* exact name; with allow_suffix also "name.isra.0", "name.constprop.0"... */
	bool allow_suffix;
	uint64_t addr;      /* out: 0 when absent */
	char found[128];    /* out: the symbol's real name (with suffix) */
};

/* Fill addr/found for each query. -errno if /proc/kallsyms cannot be read;
 * 0 otherwise (absent symbols stay 0). Addresses read as 0 when
 * kptr_restrict hides them: then returns -EPERM. The file is read once per process. */
int ksym_resolve(struct ksym_query *q, size_t n);

/* The text symbols of /proc/kallsyms, sorted, for stack frames: the function containing addr
 * (its offset in *off), or NULL. One read of /proc/kallsyms; NULL if it cannot be read. */
struct ksym_table;
struct ksym_table *ksym_table_load(void);
const char *ksym_table_find(const struct ksym_table *t, uint64_t addr, uint64_t *off);
void ksym_table_free(struct ksym_table *t);

#endif
