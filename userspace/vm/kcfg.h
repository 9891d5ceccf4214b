/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcfg.h - kernels-config/NAME.kcfg, the one reader: "key = value" lines, '#' comments
 * (format: kernels-config/README.md). Parsing is separate from the file so that it can
 * be fuzzed (tests/fuzz/fuzz_kcfg.c) and checked on text.
 */
#ifndef LT_KCFG_H
#define LT_KCFG_H

#include <stddef.h>

#define KCFG_MAX 48

struct kcfg {
	char name[128]; /* the name asked for (the file's name) */
	int n;
	char key[KCFG_MAX][32];
	char val[KCFG_MAX][512];
};

/* Parse text[len] (need not end in NUL) as the kcfg of `name`: 0, or -1 with one line in err
 * ("LINE: what"; no line for a whole-file problem). Checks the required keys, the numbers
 * (smp, memory, timeout) and that name = matches `name`. */
int kcfg_parse(const char *text, size_t len, const char *name, struct kcfg *k, char *err, size_t errlen);
/* The value of key, or "" when absent. */
const char *kcfg_get(const struct kcfg *k, const char *key);

#endif
