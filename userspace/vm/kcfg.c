// SPDX-License-Identifier: GPL-2.0
/* kcfg.c - the kcfg reader (kcfg.h). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/cli.h"
#include "kcfg.h"

const char *kcfg_get(const struct kcfg *k, const char *key)
{
	for (int i = 0; i < k->n; i++)
		if (!strcmp(k->key[i], key))
			return k->val[i];
	return "";
}

/* [s, e) without surrounding blanks into out (truncated to outlen) */
static void put_trimmed(const char *s, const char *e, char *out, size_t outlen)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	snprintf(out, outlen, "%.*s", (int)(e - s), s);
}

static int check(const struct kcfg *k, char *err, size_t errlen)
{
	static const char *const required[] = { "name", "arch", "qemu", "memory", "smp", "cmdline" };
	/* numbers qemu would reject after the kernel was fetched: say so at once */
	static const struct { const char *key; uint64_t lo, hi; } nums[] = {
		{ "smp", 1, 1024 }, { "memory", 64, 65536 }, { "timeout", 1, 86400 },
	};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!*kcfg_get(k, required[i]))
			return snprintf(err, errlen, "missing '%s ='", required[i]), -1;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		const char *v = kcfg_get(k, nums[i].key);
		uint64_t n;

		if (*v && (!lt_parse_u64(v, &n) || n < nums[i].lo || n > nums[i].hi))
			return snprintf(err, errlen, "%s = '%s' is not a number from %llu to %llu", nums[i].key, v,
					(unsigned long long)nums[i].lo, (unsigned long long)nums[i].hi), -1;
	}
	if (strcmp(kcfg_get(k, "name"), k->name))
		return snprintf(err, errlen, "name = '%s' is not the file's name '%s'", kcfg_get(k, "name"), k->name), -1;
	return 0;
}

int kcfg_parse(const char *text, size_t len, const char *name, struct kcfg *k, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	int lineno = 0;

	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *s = p, *eq;

		lineno++;
		p = nl ? nl + 1 : end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		if (s == e || *s == '#')
			continue;
		if (memchr(s, '\0', (size_t)(e - s)))
			return snprintf(err, errlen, "%d: a NUL byte (not a text file)", lineno), -1;
		eq = memchr(s, '=', (size_t)(e - s));
		if (!eq)
			return snprintf(err, errlen, "%d: expected 'key = value'", lineno), -1;
		if (k->n == KCFG_MAX)
			return snprintf(err, errlen, "%d: more than %d keys", lineno, KCFG_MAX), -1;
		if (eq - s >= (long)sizeof(k->key[0]) || e - eq > (long)sizeof(k->val[0]))
			return snprintf(err, errlen, "%d: key or value too long", lineno), -1;
		put_trimmed(s, eq, k->key[k->n], sizeof(k->key[0]));
		if (!*k->key[k->n])
			return snprintf(err, errlen, "%d: empty key", lineno), -1;
		for (int i = 0; i < k->n; i++) /* the first would win, silently */
			if (!strcmp(k->key[i], k->key[k->n]))
				return snprintf(err, errlen, "%d: '%s' given twice", lineno, k->key[k->n]), -1;
		put_trimmed(eq + 1, e, k->val[k->n], sizeof(k->val[0]));
		k->n++;
	}
	return check(k, err, errlen);
}
