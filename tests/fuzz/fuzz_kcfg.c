// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kcfg.c - libFuzzer harness for the kcfg reader (kcfg_parse): any bytes give either a
 * parsed kcfg whose keys and values are NUL-terminated and lookups that work, or an error
 * line. Seeds: the kcfg files of kernels-config (tests/fuzz/corpus/kcfg).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "vm/kcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kcfg k;
	char err[256];

	if (kcfg_parse((const char *)data, size, "debian-6.12-amd64", &k, err, sizeof(err))) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		return 0;
	}
	for (int i = 0; i < k.n; i++)
		if (!memchr(k.key[i], '\0', sizeof(k.key[i])) || !memchr(k.val[i], '\0', sizeof(k.val[i])) ||
		    (kcfg_get(&k, k.key[i])[0] == '\0' && k.val[i][0] != '\0'))
			abort();
	return 0;
}
