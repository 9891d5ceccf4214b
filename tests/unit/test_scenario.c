// SPDX-License-Identifier: GPL-2.0
/*
 * test_scenario.c - bench/scenario.c: the .scn/.suite parser (values, defaults,
 * one-line errors with line numbers), files vs built-ins, and the built-in
 * scenarios themselves: each parses, each workload has one named after it, the
 * workloads' param defaults are valid, and the default suite fits its budget.
 */
#include <stdlib.h>
#include <unistd.h>
#include "bench/scenario.h"
#include "check.h"

static char err[512];

static int parse(const char *text, struct scenario *s)
{
	return scenario_parse(text, "t", "t.scn", s, err, sizeof(err));
}

/* text must fail with exactly this message */
#define CHECK_ERR(text, want)                                         \
	do {                                                          \
		struct scenario s_;                                   \
		CHECK(parse(text, &s_) == -1);                        \
		CHECK_STR(err, want);                                 \
	} while (0)

static void test_values(void)
{
	struct scenario s;

	CHECK(parse("# comment\n\n  workload =  tlbflush \ndescription = a # not a comment\ncpus = 0-1\n"
		    "threads = 2\nduration = 1.5\nwarmup = 0\nreps = 7\nparam.mode = munmap\nparam.size=4M\n",
		    &s) == 0);
	CHECK_STR(s.name, "t");
	CHECK_STR(s.workload, "tlbflush");
	CHECK_STR(s.description, "a # not a comment");
	CHECK_STR(s.cpus, "0-1");
	CHECK(s.threads == 2);
	CHECK_NEAR(s.duration_s, 1.5, 0);
	CHECK_NEAR(s.warmup_s, 0, 0);
	CHECK(s.reps == 7);
	CHECK(s.nparams == 2);
	CHECK_STR(s.params[0], "mode=munmap");
	CHECK_STR(s.params[1], "size=4M");
	{
		struct json *j = scenario_to_json(&s);

		CHECK_STR(json_as_string(json_path(j, "workload")), "tlbflush");
		CHECK_STR(json_as_string(json_path(j, "params.mode")), "munmap");
		CHECK_STR(json_as_string(json_path(j, "cpus")), "0-1");
		CHECK(json_as_u64(json_path(j, "reps")) == 7);
		CHECK_NEAR(json_as_double(json_path(j, "duration_s")), 1.5, 0);
		json_free(j);
	}
	scenario_free(&s);

	/* defaults; CRLF line ends; "all" CPUs */
	CHECK(parse("workload = ctxsw\r\ncpus = all\r\n", &s) == 0);
	CHECK_STR(s.cpus, "");
	CHECK(s.threads == 0 && s.reps == 3 && s.nparams == 0);
	CHECK_NEAR(s.duration_s, 5, 0);
	CHECK_NEAR(s.warmup_s, 1, 0);
	scenario_free(&s);

	/* with.* params go to the nested workload and are checked against it */
	CHECK(parse("workload = nohz-victim\nparam.with = tlbflush\nparam.with.mode = munmap\n", &s) == 0);
	CHECK(s.nparams == 2);
	scenario_free(&s);
}

static void test_errors(void)
{
	CHECK_ERR("workload = ctxsw\n\nbogus = 1\n",
		  "t.scn:3: unknown key 'bogus' (description, workload, cpus, threads, duration, warmup, reps, param.NAME)");
	CHECK_ERR("workload = ctxsw\nduration = x\n", "t.scn:2: bad duration 'x' (seconds, > 0)");
	CHECK_ERR("workload = ctxsw\nduration = 0\n", "t.scn:2: bad duration '0' (seconds, > 0)");
	CHECK_ERR("workload = ctxsw\nwarmup = -1\n", "t.scn:2: bad warmup '-1' (seconds, >= 0)");
	CHECK_ERR("# c\nworkload = ctxsw\nreps = 0\n", "t.scn:3: bad reps '0' (1 to 1000)");
	CHECK_ERR("workload = ctxsw\nthreads = 2x\n", "t.scn:2: bad threads '2x' (0 = the workload's default, up to 1024)");
	CHECK_ERR("workload = ctxsw\ncpus = 3-1\n", "t.scn:2: bad cpus '3-1' (all, or a list like 0-3,6)");
	CHECK_ERR("workload = ctxsw\nreps = 2\nreps = 3\n", "t.scn:3: reps given twice (first on line 2)");
	CHECK_ERR("workload = nope\n", "t.scn:1: unknown workload 'nope' (lazytlb workload --list)");
	CHECK_ERR("workload ctxsw\n", "t.scn:1: expected KEY = VALUE, got 'workload ctxsw'");
	CHECK_ERR("duration = 1\n", "t.scn: no 'workload = NAME' line");
	CHECK_ERR("workload = ctxsw\nparam. = 1\n", "t.scn:2: empty param name");
	CHECK_ERR("workload = ctxsw\nparam.placement = same\n\nparam.bogus = 1\n",
		  "t.scn:4: workload ctxsw has no param 'bogus' (lazytlb workload ctxsw --help)");
	CHECK_ERR("workload = ctxsw\nparam.placement = diagonal\n",
		  "t.scn:2: bad value 'diagonal' for param placement (expected cross|same)");
	CHECK_ERR("workload = idle-lazy\nparam.sleep_us = -5\n",
		  "t.scn:2: bad value '-5' for param sleep_us (expected an unsigned integer)");
	CHECK_ERR("workload = tlbflush\nparam.size = 2Q\n",
		  "t.scn:2: bad value '2Q' for param size (expected bytes, K/M/G suffix ok)");
	CHECK_ERR("workload = nohz-victim\nparam.with = tlbflush\nparam.with.mode = sideways\n",
		  "t.scn:3: bad value 'sideways' for param mode (expected dontneed|munmap|punch)");
	CHECK_ERR("workload = nohz-victim\nparam.with = nope\n",
		  "t.scn:2: unknown workload 'nope' (lazytlb workload --list)");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_files_and_suites(void)
{
	char dir[] = "/tmp/lt-scn-XXXXXX", path[300], want[700];
	struct scenario s;
	struct suite su;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/mine.scn", dir);
	write_file(path, "workload = idle-lazy\nparam.sleep_us = 500\n");
	CHECK(scenario_load(path, &s, err, sizeof(err)) == 0);
	CHECK_STR(s.name, "mine");
	CHECK_STR(s.origin, path);
	scenario_free(&s);

	snprintf(path, sizeof(path), "%s/bad.scn", dir);
	write_file(path, "workload = idle-lazy\nduration = soon\n");
	CHECK(scenario_load(path, &s, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s:2: bad duration 'soon' (seconds, > 0)", path);
	CHECK_STR(err, want);

	CHECK(scenario_load("/nonexistent/x.scn", &s, err, sizeof(err)) == -1);
	CHECK_STR(err, "/nonexistent/x.scn: No such file or directory");
	CHECK(scenario_load("no-such-scenario", &s, err, sizeof(err)) == -1);
	CHECK_STR(err, "no scenario 'no-such-scenario' built in, and it is not a path (lazytlb workload --list)");

	/* a suite file: a bare name next to it wins over the built-in, else the built-in */
	snprintf(path, sizeof(path), "%s/ctxsw.scn", dir);
	write_file(path, "workload = ctxsw\nreps = 9\n");
	snprintf(path, sizeof(path), "%s/s.suite", dir);
	write_file(path, "# two\nctxsw\nmine\nexit-lazy\n");
	CHECK(suite_load(path, &su, err, sizeof(err)) == 0);
	CHECK(su.n == 3);
	if (su.n == 3) {
		CHECK(scenario_load(su.scenarios[0], &s, err, sizeof(err)) == 0);
		CHECK(s.reps == 9);
		scenario_free(&s);
		CHECK_STR(su.scenarios[2], "exit-lazy");
	}
	suite_free(&su);

	write_file(path, "ctxsw\n\nbad\n");
	CHECK(suite_load(path, &su, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s:3: %s/bad.scn:2: bad duration 'soon' (seconds, > 0)", path, dir);
	CHECK_STR(err, want);
	write_file(path, "ctxsw\nno-such-scenario\n");
	CHECK(suite_load(path, &su, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want),
		 "%s:2: no scenario 'no-such-scenario' built in, and it is not a path (lazytlb workload --list)", path);
	CHECK_STR(err, want);

	snprintf(want, sizeof(want), "rm -rf %s", dir);
	CHECK(system(want) == 0);
}

static void test_builtins(void)
{
	struct suite su;
	double total = 0;
	size_t nscn = 0;

	for (size_t i = 0; i < nr_scenario_builtins; i++) {
		const struct scenario_builtin *b = &scenario_builtins[i];
		struct scenario s;

		if (strcmp(b->kind, "scn"))
			continue;
		nscn++;
		if (scenario_load(b->name, &s, err, sizeof(err))) {
			fprintf(stderr, "built-in %s: %s\n", b->name, err);
			CHECK(!"built-in scenario parses");
			continue;
		}
		CHECK(s.description[0] != '\0');
		scenario_free(&s);
	}
	CHECK(nscn >= nr_workloads);
	for (size_t i = 0; i < nr_workloads; i++) {
		struct scenario s;

		/* defaults of every param table are valid, and each workload has its scenario */
		CHECK(wl_check_params(workloads[i]->name, NULL, 0, err, sizeof(err)) == 0);
		CHECK(scenario_load(workloads[i]->name, &s, err, sizeof(err)) == 0);
		CHECK_STR(s.workload, workloads[i]->name);
		scenario_free(&s);
	}
	CHECK(suite_load("default", &su, err, sizeof(err)) == 0);
	for (size_t i = 0; i < su.n; i++) {
		struct scenario s;

		if (scenario_load(su.scenarios[i], &s, err, sizeof(err)) == 0) {
			total += s.warmup_s + s.reps * s.duration_s;
			scenario_free(&s);
		}
	}
	/* under 2 minutes in all with the collector's setup: leave it a third */
	CHECK(total > 0 && total <= 80);
	suite_free(&su);
}

int main(void)
{
	test_values();
	test_errors();
	test_files_and_suites();
	test_builtins();
	return check_exit("test_scenario");
}
