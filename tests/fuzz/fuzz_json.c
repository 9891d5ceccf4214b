// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_json.c - libFuzzer harness for the JSON reader (json-c's strict tokener and the checks
 * json_io.c adds; json-c itself is not instrumented) and what reads result files.
 * Each input is parsed (json_parse); a document that parses is written back compactly and
 * must parse again to the same text (the writer and reader agree). Then, as `lazytlb report`
 * does with a file, the input goes through results_load (schema, reps, histograms) and,
 * when that accepts it, summary_print. Seeds: real result files (tests/fuzz/corpus/json).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analysis/summary.h"
#include "result/compare_input.h"
#include "lib/json.h"

static char *to_text(const struct json *j, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	json_write(f, j, false);
	fclose(f);
	return buf;
}

static void round_trip(const struct json *doc)
{
	size_t n1, n2;
	char err[256], *t1 = to_text(doc, &n1), *t2;
	struct json *again = json_parse(t1, n1, err, sizeof(err));

	if (!again) {
		fprintf(stderr, "written JSON does not parse again: %s\n", err);
		abort();
	}
	t2 = to_text(again, &n2);
	if (n1 != n2 || memcmp(t1, t2, n1)) {
		fprintf(stderr, "round trip changed the text\n");
		abort();
	}
	free(t1);
	free(t2);
	json_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static FILE *devnull;
	char err[256], *paths[1] = { path };
	struct lt_result *r;
	struct json *doc;
	size_t n = 1;
	FILE *f;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/dev/shm/lt-fuzz-%d.json", (int)getpid());
		devnull = fopen("/dev/null", "w");
	}
	doc = json_parse((const char *)data, size, err, sizeof(err));
	if (!doc)
		return 0;
	round_trip(doc);
	json_free(doc);
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (!results_load(paths, &n, &r, true)) {
		for (size_t i = 0; i < n; i++)
			if (!r[i].skipped)
				summary_print(devnull, r[i].doc);
		results_free(r, n);
	}
	unlink(path);
	return 0;
}
