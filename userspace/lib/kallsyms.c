// SPDX-License-Identifier: GPL-2.0
/* kallsyms.c - see kallsyms.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallsyms.h"

static bool name_matches(const struct ksym_query *q, const char *sym)
{
	size_t len = strlen(q->name);

	if (strncmp(sym, q->name, len))
		return false;
	if (sym[len] == '\0')
		return true;
	/* compiler clones: foo.isra.0, foo.constprop.0, foo.part.0, foo.cold is not a clone entry */
	return q->allow_suffix && sym[len] == '.' && strcmp(sym + len, ".cold");
}

int ksym_resolve(struct ksym_query *q, size_t n)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long addr;
	bool any_nonzero = false;

	for (size_t i = 0; i < n; i++) {
		q[i].addr = 0;
		q[i].found[0] = '\0';
	}
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		if (addr)
			any_nonzero = true;
		for (size_t i = 0; i < n; i++) {
			/* an exact match wins over a clone found earlier */
			if (q[i].addr && !strcmp(q[i].found, q[i].name))
				continue;
			if (!name_matches(&q[i], sym))
				continue;
			if (q[i].addr && strcmp(sym, q[i].name))
				continue;
			q[i].addr = addr;
			snprintf(q[i].found, sizeof(q[i].found), "%s", sym);
		}
	}
	fclose(f);
	return any_nonzero ? 0 : -EPERM;
}

int ksym_names(const uint64_t *addr, size_t n, char (*names)[128])
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a;

	for (size_t i = 0; i < n; i++)
		names[i][0] = '\0';
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3 || !a)
			continue;
		for (size_t i = 0; i < n; i++)
			if (addr[i] == a && !names[i][0])
				snprintf(names[i], 128, "%s", sym);
	}
	fclose(f);
	return 0;
}
