// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_probes.c - `lazytlb probes`: load and attach as `record` would, then list
 * each hook with the variant chosen on this kernel, or why none could be used.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "lib/cli.h"
#include "trace/collector.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb probes [--json] [--btf FILE] [-v]\n\n"
		   "List every hook lazytlb uses, the variant attached on this kernel (tp_btf, raw_tp,\n"
		   "tracepoint, fentry, kprobe) and, for each variant not used, why.\n\n"
		   "examples:\n  lazytlb probes\n  lazytlb probes --json\n");
}

int cmd_probes(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' }, { "btf", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' }, {}
	};
	struct collector_opts o = { .quiet = true };
	struct collector *c;
	struct json *res;
	const struct json *probes;
	bool json = false;
	char err[512];
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'J': json = true; break;
		case 'B':
			if (lt_btf_file_arg(optarg, err, sizeof(err)))
				return lt_err(LT_EXIT_USAGE, "%s", err);
			o.btf_custom_path = optarg;
			break;
		case 'v': lt_verbose = true; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default: return lt_err(LT_EXIT_USAGE, "unknown option '%s' (try --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return lt_err(LT_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	o.quiet = !lt_verbose;
	c = collector_open(&o, err, sizeof(err));
	if (!c)
		return lt_err(LT_EXIT_FAIL, "%s", err);
	res = collector_result_new(c);
	collector_close(c);
	probes = json_get(res, "probes");
	if (json) {
		json_write(stdout, probes, true);
	} else {
		printf("%-28s %-12s %-36s %s\n", "HOOK", "MODE", "TARGET", "NOT USED / UNAVAILABLE BECAUSE");
		for (size_t i = 0; i < json_len(probes); i++) {
			const struct json *p = json_at(probes, i), *v = json_get(p, "variants");
			bool first = true;

			printf("%-28s %-12s %-36s", json_as_string(json_get(p, "name")),
			       json_as_string(json_get(p, "mode")), json_as_string(json_get(p, "target")));
			for (size_t k = 0; k < json_len(v); k++) {
				const char *why = json_as_string(json_at(v, k));

				if (!strcmp(why, "attached"))
					continue;
				printf("%s%s: %s\n", first ? " " : "                                                                              ",
				       json_key_at(v, k), why);
				first = false;
			}
			if (first)
				printf("\n");
		}
	}
	json_free(res);
	return LT_EXIT_OK;
}
