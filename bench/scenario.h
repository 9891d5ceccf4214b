/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - scenarios (a workload with params, CPUs, duration, warmup, reps)
 * and suites (lists of scenarios): parsed from bench/scenarios/NAME.scn and NAME.suite
 * files (format: bench/scenarios/README.md), which are also built into the
 * binary, so `lazytlb run exit-lazy` needs only the binary.
 */
#ifndef LT_SCENARIO_H
#define LT_SCENARIO_H

#include <stddef.h>
#include <stdio.h>
#include "lib/json.h"
#include "workload.h"

#define SCN_MAX_PARAMS (2 * WL_MAX_PARAMS)
#define SUITE_MAX 64

struct scenario {
	char name[64];         /* file name without .scn */
	char origin[300];      /* the path, or "built-in" */
	char description[256];
	char workload[32];
	char cpus[256];        /* "" = all CPUs the process may use */
	unsigned int threads;  /* 0 = the workload's default */
	double duration_s;     /* of each rep (default 5) */
	double warmup_s;       /* one unmeasured run before the reps (default 1; 0 = none) */
	unsigned int reps;     /* default 3 */
	char *params[SCN_MAX_PARAMS]; /* "KEY=VALUE", as wl_open takes them */
	size_t nparams;
	char sweep[48];        /* "KEY=VALUE" of a --sweep point, "" otherwise */
};

struct suite {
	char name[64];
	char *scenarios[SUITE_MAX]; /* names or paths, for scenario_load */
	size_t n;
};

/* A path (contains '/' or ends in .scn) or a built-in name. -1 with one line in err:
 * "<file>:<line>: <what>" for a bad file. */
int scenario_load(const char *name_or_path, struct scenario *s, char *err, size_t errlen);
/* Parse text; origin names it in errors. */
int scenario_parse(const char *text, const char *name, const char *origin, struct scenario *s, char *err,
		   size_t errlen);
void scenario_free(struct scenario *s);
/* --sweep KEY=A..B: replace scn[0..*n) by each scenario at every value of KEY (threads, or a
 * workload param), in order; at most max in all. 0, or -1 with one line in err. */
int scenario_sweep(struct scenario *scn, size_t *n, size_t max, const char *spec, char *err, size_t errlen);
/* The result file's base name: NAME, or NAME-KEY-VALUE for a sweep point */
void scenario_file_name(const struct scenario *s, char *buf, size_t len);
/* The result file's "scenario" object: { name, workload, params, cpus, duration_s, warmup_s, reps, ... } */
struct json *scenario_to_json(const struct scenario *s);

/* A path (contains '/' or ends in .suite) or a built-in suite name; each entry is checked to load. */
int suite_load(const char *name_or_path, struct suite *su, char *err, size_t errlen);
int suite_parse(const char *text, const char *name, const char *origin, struct suite *su, char *err,
		size_t errlen);
void suite_free(struct suite *su);

/* The built-in scenarios and suites, generated from bench/scenarios at build time. */
struct scenario_builtin {
	const char *name; /* file name without extension */
	const char *kind; /* "scn" or "suite" */
	const char *text;
};
extern const struct scenario_builtin scenario_builtins[];
extern const size_t nr_scenario_builtins;

/* "  name  workload  description" lines of the built-in scenarios, then the suites */
void scenario_list(FILE *f);

#endif
