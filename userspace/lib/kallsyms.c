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

/*
 * /proc/kallsyms as read once by this process. The kernel builds the text anew on every read
 * (expanding each compressed name): ~0.4 s per read in a TCG guest, and loading the programs
 * looked symbols up in five reads (causes, probes, the config of each load round, INVLPGB).
 * Symbols that appear later (BPF programs, modules loaded meanwhile) are not in it: the stack
 * table below reads the file afresh. NULL (errno set) if it cannot be read. Not thread-safe:
 * the lookups run while the collector is set up, on one thread.
 */
static const char *kallsyms_text(void)
{
	static char *text;
	size_t cap = 0, len = 0, n;
	FILE *f;

	if (text)
		return text;
	if (!(f = fopen("/proc/kallsyms", "r")))
		return NULL;
	for (;;) {
		if (cap - len < 65537) {
			char *p = realloc(text, cap = cap ? 2 * cap : 1 << 22);

			if (!p) {
				free(text);
				text = NULL;
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			text = p;
		}
		if (!(n = fread(text + len, 1, 65536, f)))
			break;
		len += n;
	}
	text[len] = '\0';
	fclose(f);
	return text;
}

int ksym_resolve(struct ksym_query *q, size_t n)
{
	const char *text = kallsyms_text(), *line, *nl;
	char sym[256], type;
	unsigned long long addr;
	bool any_nonzero = false;

	for (size_t i = 0; i < n; i++) {
		q[i].addr = 0;
		q[i].found[0] = '\0';
	}
	if (!text)
		return -errno;
	for (line = text; *line; line = nl ? nl + 1 : line + strlen(line)) {
		char buf[512];
		size_t len;

		/* sscanf on the whole text would strlen() all of it per line: one line at a time */
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= sizeof(buf))
			continue;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (sscanf(buf, "%llx %c %255s", &addr, &type, sym) != 3)
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
	return any_nonzero ? 0 : -EPERM;
}

/* ---- the text symbols, sorted: any address to the function containing it ---- */
struct ksym_table {
	struct ksym_ent {
		uint64_t addr;
		char *name;
	} *e;
	size_t n;
	char *names; /* one block for every name */
};

static int by_addr(const void *a, const void *b)
{
	const struct ksym_ent *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct ksym_table *ksym_table_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	struct ksym_table *t = calloc(1, sizeof(*t));
	size_t cap = 0, used = 0, ncap = 0;
	char line[512], sym[256], type;
	unsigned long long a;

	if (!f || !t)
		goto fail;
	while (fgets(line, sizeof(line), f)) {
		size_t len;

		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3 || !a || (type != 't' && type != 'T'))
			continue;
		len = strlen(sym) + 1;
		if (t->n == cap) {
			void *p = realloc(t->e, (cap = cap ? 2 * cap : 65536) * sizeof(*t->e));

			if (!p)
				goto fail;
			t->e = p;
		}
		if (used + len > ncap) {
			void *p = realloc(t->names, ncap = ncap ? 2 * ncap : 1 << 21);

			if (!p)
				goto fail;
			t->names = p;
		}
		memcpy(t->names + used, sym, len);
		t->e[t->n].addr = a;
		t->e[t->n++].name = (char *)(uintptr_t)used; /* an offset until names stops moving */
		used += len;
	}
	fclose(f);
	for (size_t i = 0; i < t->n; i++)
		t->e[i].name = t->names + (uintptr_t)t->e[i].name;
	qsort(t->e, t->n, sizeof(*t->e), by_addr);
	return t;
fail:
	if (f)
		fclose(f);
	ksym_table_free(t);
	return NULL;
}

const char *ksym_table_find(const struct ksym_table *t, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = t ? t->n : 0;

	/* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	if (off)
		*off = addr - t->e[lo - 1].addr;
	return t->e[lo - 1].name;
}

void ksym_table_free(struct ksym_table *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->names);
	free(t);
}
