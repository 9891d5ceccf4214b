// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_schema.c - `lazytlb schema [--json]`: the result schema's id and every name a result
 * file uses for causes, target states, tlb_flush reasons and what-if filters, with what each
 * means (bpf/lt_names.h). The Python checks and docs/result-schema.md take them from here.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/cli.h"
#include "result/compare_input.h"
#include "lib/json.h"
#include "result/names.h"
#include "result/hist.h"

static const struct {
	const char *key, *title;
	const struct lt_name *names;
	size_t n;
} lists[] = {
	{ "causes", "IPI causes (metrics.ipi.by_cause, ...)", lt_causes, LT_NR_CAUSES },
	{ "states", "target CPU states at send time (metrics.ipi.by_target_state, ...)", lt_states, LT_NR_STATES },
	{ "flush_reasons", "tlb_flush reasons (metrics.tlb_flush.by_reason)", lt_flush_reasons, LT_NR_FLUSH_REASONS },
	{ "filters", "what-if filters (metrics.whatif)", lt_filters, LT_NR_FILTERS },
	{ "hooks", "where the tracer attaches (probes[].name)", lt_hooks_named, H_NR_HOOKS },
	{ "modes", "how a hook attaches (probes[].mode)", lt_modes, M_NR_MODES },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb schema [--json]\n"
		   "       lazytlb schema --hist UNIT < VALUES\n"
		   "  The result file schema's id and the names it uses for IPI causes, target states,\n"
		   "  tlb_flush reasons and what-if filters, each with what it means.\n"
		   "  --hist UNIT: the result file's histogram object (buckets, percentiles) of the\n"
		   "  non-negative integers on standard input, counted as the tracer counts them\n"
		   "  (what tests and other tools use instead of redoing the bucket maths).\n"
		   "examples:\n"
		   "  seq 1 1000 | lazytlb schema --hist ns\n"
		   "  lazytlb schema\n"
		   "  lazytlb schema --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"causes\"])'\n");
}

static int hist_of_stdin(const char *unit)
{
	struct lt_hist *h = calloc(1, sizeof(*h));
	unsigned long long v;
	struct json *j;
	int n;

	if (!h)
		return lt_err(LT_EXIT_FAIL, "out of memory");
	while ((n = scanf("%llu", &v)) == 1)
		hist_add(h, v);
	if (n != EOF) {
		free(h);
		return lt_err(LT_EXIT_USAGE, "--hist: standard input has something else than non-negative integers");
	}
	j = hist_to_json(h, unit);
	json_write(stdout, j, true);
	json_free(j);
	free(h);
	return LT_EXIT_OK;
}

int cmd_schema(int argc, char **argv)
{
	static const struct option longopts[] = { { "json", no_argument, NULL, 'J' }, { "help", no_argument, NULL, 'h' },
						  { "hist", required_argument, NULL, 'H' }, {} };
	const char *hist_unit = NULL;
	bool as_json = false;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'J')
			as_json = true;
		else if (c == 'H')
			hist_unit = optarg;
		else if (c == 'h')
			return usage(stdout), LT_EXIT_OK;
		else
			return lt_err(LT_EXIT_USAGE, "unknown option '%s' (try --help)", argv[optind - 1]);
	}
	if (optind < argc)
		return lt_err(LT_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	if (hist_unit)
		return hist_of_stdin(hist_unit);
	if (as_json) {
		struct json *o = json_object();

		json_set(o, "schema", json_string(LT_RESULT_SCHEMA));
		for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
			struct json *arr = json_set(o, lists[l].key, json_array());

			for (size_t i = 0; i < lists[l].n; i++) {
				struct json *e = json_object();

				json_set(e, "name", json_string(lists[l].names[i].name));
				json_set(e, "doc", json_string(lists[l].names[i].doc));
				json_push(arr, e);
			}
		}
		json_write(stdout, o, true);
		json_free(o);
		return LT_EXIT_OK;
	}
	printf("schema %s\n", LT_RESULT_SCHEMA);
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		printf("\n%s\n", lists[l].title);
		for (size_t i = 0; i < lists[l].n; i++)
			printf("  %-20s %s\n", lists[l].names[i].name, lists[l].names[i].doc);
	}
	return LT_EXIT_OK;
}
