// SPDX-License-Identifier: GPL-2.0
/* scenario.c - the .scn / .suite parser and the built-in lookup (see scenario.h, scenarios/README.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/cli.h"
#include "scenario.h"

#define MAX_FILE (1 << 20)
#define MAX_LINE 1024

/* ---------------- shared: finding the text, walking its lines ---------------- */

static bool is_path(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);

	return strchr(s, '/') || (n > e && s[n - e - 1] == '.' && !strcmp(s + n - e, ext));
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
	if (!buf || ferror(f) || n > MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path, !buf ? "out of memory" : n > MAX_FILE ? "file too large" : strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void base_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');
	const char *dot;

	b = b ? b + 1 : path;
	dot = strrchr(b, '.');
	snprintf(out, len, "%.*s", (int)(dot && dot > b ? dot - b : (long)strlen(b)), b);
}

/*
 * The text behind name_or_path: a file (read into *buf, which the caller frees)
 * or a built-in of that kind. name and origin are filled for messages.
 */
static const char *find_text(const char *name_or_path, const char *kind, char **buf, char *name, size_t namelen,
			     char *origin, size_t originlen, char *err, size_t errlen)
{
	*buf = NULL;
	if (is_path(name_or_path, kind)) {
		*buf = read_file(name_or_path, err, errlen);
		base_name(name_or_path, name, namelen);
		snprintf(origin, originlen, "%s", name_or_path);
		return *buf;
	}
	for (size_t i = 0; i < nr_scenario_builtins; i++) {
		if (strcmp(scenario_builtins[i].kind, kind) || strcmp(scenario_builtins[i].name, name_or_path))
			continue;
		snprintf(name, namelen, "%s", name_or_path);
		snprintf(origin, originlen, "built-in %s.%s", name_or_path, kind);
		return scenario_builtins[i].text;
	}
	snprintf(err, errlen, "no %s '%s' built in, and it is not a path (lazytlb workload --list)",
		 strcmp(kind, "scn") ? "suite" : "scenario", name_or_path);
	return NULL;
}

static int errf(char *err, size_t errlen, const char *origin, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int errf(char *err, size_t errlen, const char *origin, unsigned int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", origin, line, msg);
	else
		snprintf(err, errlen, "%s: %s", origin, msg);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Calls fn on each line that is neither blank nor a comment, trimmed; stops at the first error. */
static int for_each_line(const char *text, const char *origin, int (*fn)(char *line, unsigned int no, void *arg),
			 void *arg, char *err, size_t errlen)
{
	unsigned int no = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[MAX_LINE], *t;

		no++;
		if (n >= sizeof(line))
			return errf(err, errlen, origin, no, "line longer than %d characters", MAX_LINE - 1);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		t = trim(line);
		if (!*t || *t == '#')
			continue;
		if (fn(t, no, arg))
			return -1;
	}
	return 0;
}

/* ---------------- scenarios ---------------- */

enum { K_DESCRIPTION, K_WORKLOAD, K_CPUS, K_THREADS, K_DURATION, K_WARMUP, K_REPS, NR_KEYS };
static const char *const keys[NR_KEYS] = { "description", "workload", "cpus", "threads", "duration", "warmup", "reps" };

struct scn_parse {
	struct scenario *s;
	const char *origin;
	char *err;
	size_t errlen;
	unsigned int key_line[NR_KEYS];
	unsigned int param_line[SCN_MAX_PARAMS];
};

static int scn_value(struct scn_parse *ps, int k, const char *v, unsigned int no)
{
	struct scenario *s = ps->s;
	uint64_t u, cpus[WL_MAX_CPUS / 64];
	double d;

	switch (k) {
	case K_DESCRIPTION:
		snprintf(s->description, sizeof(s->description), "%s", v);
		return 0;
	case K_WORKLOAD:
		if (!workload_find(v))
			return errf(ps->err, ps->errlen, ps->origin, no, "unknown workload '%s' (lazytlb workload --list)", v);
		snprintf(s->workload, sizeof(s->workload), "%s", v);
		return 0;
	case K_CPUS:
		if (strcmp(v, "all") && !lt_parse_cpulist(v, cpus, WL_MAX_CPUS))
			return errf(ps->err, ps->errlen, ps->origin, no, "bad cpus '%s' (all, or a list like 0-3,6)", v);
		snprintf(s->cpus, sizeof(s->cpus), "%s", strcmp(v, "all") ? v : "");
		return 0;
	case K_THREADS:
	case K_REPS:
		if (!lt_parse_u64(v, &u) || u > (k == K_REPS ? 1000 : WL_MAX_THREADS) || (k == K_REPS && !u))
			return errf(ps->err, ps->errlen, ps->origin, no, "bad %s '%s' (%s)", keys[k], v,
				    k == K_REPS ? "1 to 1000" : "0 = the workload's default, up to 1024");
		*(k == K_REPS ? &s->reps : &s->threads) = (unsigned int)u;
		return 0;
	default: /* duration, warmup */
		if (!lt_parse_double(v, &d) || d < 0 || d > 86400 || (k == K_DURATION && d == 0))
			return errf(ps->err, ps->errlen, ps->origin, no, "bad %s '%s' (seconds, %s)", keys[k], v,
				    k == K_DURATION ? "> 0" : ">= 0");
		*(k == K_DURATION ? &s->duration_s : &s->warmup_s) = d;
		return 0;
	}
}

static int scn_line(char *line, unsigned int no, void *arg)
{
	struct scn_parse *ps = arg;
	struct scenario *s = ps->s;
	char *eq = strchr(line, '='), *key, *val;

	if (!eq)
		return errf(ps->err, ps->errlen, ps->origin, no, "expected KEY = VALUE, got '%s'", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!strncmp(key, "param.", 6)) {
		if (!key[6])
			return errf(ps->err, ps->errlen, ps->origin, no, "empty param name");
		if (s->nparams == SCN_MAX_PARAMS)
			return errf(ps->err, ps->errlen, ps->origin, no, "more than %d params", SCN_MAX_PARAMS);
		if (asprintf(&s->params[s->nparams], "%s=%s", key + 6, val) < 0) {
			s->params[s->nparams] = NULL;
			return errf(ps->err, ps->errlen, ps->origin, no, "out of memory");
		}
		ps->param_line[s->nparams++] = no;
		return 0;
	}
	for (int k = 0; k < NR_KEYS; k++) {
		if (strcmp(key, keys[k]))
			continue;
		if (ps->key_line[k])
			return errf(ps->err, ps->errlen, ps->origin, no, "%s given twice (first on line %u)", key,
				    ps->key_line[k]);
		ps->key_line[k] = no;
		return scn_value(ps, k, val, no);
	}
	return errf(ps->err, ps->errlen, ps->origin, no,
		    "unknown key '%s' (description, workload, cpus, threads, duration, warmup, reps, param.NAME)", key);
}

int scenario_parse(const char *text, const char *name, const char *origin, struct scenario *s, char *err,
		   size_t errlen)
{
	struct scn_parse ps = { .s = s, .origin = origin, .err = err, .errlen = errlen };
	char msg[256];

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->origin, sizeof(s->origin), "%s", origin);
	s->duration_s = 5;
	s->warmup_s = 1;
	s->reps = 3;
	if (for_each_line(text, origin, scn_line, &ps, err, errlen))
		goto fail;
	if (!s->workload[0]) {
		errf(err, errlen, origin, 0, "no 'workload = NAME' line");
		goto fail;
	}
	/* params as wl_open will see them; the first prefix that fails names the line */
	for (size_t n = 1; n <= s->nparams; n++) {
		if (wl_check_params(s->workload, s->params, n, msg, sizeof(msg))) {
			errf(err, errlen, origin, ps.param_line[n - 1], "%s", msg);
			goto fail;
		}
	}
	return 0;
fail:
	scenario_free(s);
	return -1;
}

int scenario_load(const char *name_or_path, struct scenario *s, char *err, size_t errlen)
{
	char name[64], origin[300], *buf;
	const char *text = find_text(name_or_path, "scn", &buf, name, sizeof(name), origin, sizeof(origin), err, errlen);
	int rc;

	memset(s, 0, sizeof(*s));
	if (!text)
		return -1;
	rc = scenario_parse(text, name, origin, s, err, errlen);
	free(buf);
	return rc;
}

void scenario_free(struct scenario *s)
{
	for (size_t i = 0; i < s->nparams; i++)
		free(s->params[i]);
	s->nparams = 0;
}

struct json *scenario_to_json(const struct scenario *s)
{
	struct json *o = json_object(), *p;

	json_set(o, "name", json_string(s->name));
	json_set(o, "description", json_string(s->description));
	json_set(o, "origin", json_string(s->origin));
	json_set(o, "workload", json_string(s->workload));
	p = json_set(o, "params", json_object());
	for (size_t i = 0; i < s->nparams; i++) {
		const char *eq = strchr(s->params[i], '=');
		char key[128];
		uint64_t u;

		snprintf(key, sizeof(key), "%.*s", (int)(eq - s->params[i]), s->params[i]);
		json_set(p, key, lt_parse_u64(eq + 1, &u) ? json_u64(u) : json_string(eq + 1));
	}
	json_set(o, "cpus", json_string(s->cpus[0] ? s->cpus : "all"));
	json_set(o, "threads", json_u64(s->threads));
	json_set(o, "duration_s", json_double(s->duration_s));
	json_set(o, "warmup_s", json_double(s->warmup_s));
	json_set(o, "reps", json_u64(s->reps));
	if (s->sweep[0])
		json_set(o, "sweep", json_string(s->sweep));
	return o;
}

void scenario_file_name(const struct scenario *s, char *buf, size_t len)
{
	const char *eq = strchr(s->sweep, '=');

	if (!eq)
		snprintf(buf, len, "%s", s->name);
	else
		snprintf(buf, len, "%s-%.*s-%s", s->name, (int)(eq - s->sweep), s->sweep, eq + 1);
}

/* s at KEY=v: its threads, or its param KEY (added or replaced) */
static int sweep_point(struct scenario *dst, const struct scenario *src, const char *key, uint64_t v)
{
	size_t klen = strlen(key);

	*dst = *src;
	snprintf(dst->sweep, sizeof(dst->sweep), "%s=%llu", key, (unsigned long long)v);
	dst->nparams = 0;
	for (size_t i = 0; i < src->nparams; i++) {
		if (strncmp(src->params[i], key, klen) || src->params[i][klen] != '=')
			dst->params[dst->nparams++] = strdup(src->params[i]);
	}
	if (!strcmp(key, "threads")) {
		dst->threads = (unsigned int)v;
	} else if (dst->nparams < SCN_MAX_PARAMS) {
		char buf[96];

		snprintf(buf, sizeof(buf), "%s=%llu", key, (unsigned long long)v);
		dst->params[dst->nparams++] = strdup(buf);
	}
	for (size_t i = 0; i < dst->nparams; i++)
		if (!dst->params[i])
			return -1;
	return 0;
}

int scenario_sweep(struct scenario *scn, size_t *n, size_t max, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '='), *dots = eq ? strstr(eq, "..") : NULL, *colon;
	char key[32], a[32], b[32];
	uint64_t lo, hi, step = 1;
	struct scenario *orig;
	size_t k = 0, n0 = *n;

	if (!eq || !dots || eq == spec || (size_t)(eq - spec) >= sizeof(key) || (size_t)(dots - eq - 1) >= sizeof(a) ||
	    strlen(dots + 2) >= sizeof(b)) {
		snprintf(err, errlen, "bad sweep '%s' (expected KEY=FROM..TO[:STEP], e.g. threads=2..8:2)", spec);
		return -1;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - spec), spec);
	snprintf(a, sizeof(a), "%.*s", (int)(dots - eq - 1), eq + 1);
	snprintf(b, sizeof(b), "%s", dots + 2);
	if ((colon = strchr(b, ':'))) {
		if (!lt_parse_u64(colon + 1, &step) || !step) {
			snprintf(err, errlen, "bad sweep step '%s' (an integer >= 1)", colon + 1);
			return -1;
		}
		b[colon - b] = '\0';
	}
	if (!lt_parse_u64(a, &lo) || !lt_parse_u64(b, &hi) || lo > hi || (!strcmp(key, "threads") && !lo)) {
		snprintf(err, errlen, "bad sweep range '%s..%s' (integers, FROM <= TO%s)", a, b,
			 strcmp(key, "threads") ? "" : ", threads from 1");
		return -1;
	}
	if (((hi - lo) / step + 1) * n0 > max) {
		snprintf(err, errlen, "sweep '%s' makes %llu runs, more than %zu", spec,
			 (unsigned long long)(((hi - lo) / step + 1) * n0), max);
		return -1;
	}
	orig = malloc(sizeof(*orig) * (n0 ? n0 : 1));
	if (!orig) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(orig, scn, sizeof(*orig) * n0);
	for (size_t i = 0; i < n0; i++)
		for (uint64_t v = lo; v <= hi; v += step)
			if (sweep_point(&scn[k++], &orig[i], key, v)) {
				snprintf(err, errlen, "out of memory");
				*n = k;
				free(orig);
				return -1;
			}
	for (size_t i = 0; i < n0; i++)
		scenario_free(&orig[i]);
	free(orig);
	*n = k;
	return 0;
}

/* ---------------- suites ---------------- */

struct suite_parse {
	struct suite *su;
	const char *origin, *dir; /* dir: the suite file's directory, NULL for a built-in */
	char *err;
	size_t errlen;
};

static int suite_line(char *line, unsigned int no, void *arg)
{
	struct suite_parse *ps = arg;
	struct scenario s;
	char msg[512], *entry = NULL;
	int rc;

	if (ps->su->n == SUITE_MAX)
		return errf(ps->err, ps->errlen, ps->origin, no, "more than %d scenarios", SUITE_MAX);
	/* in a suite file: a path relative to it, or NAME.scn next to it if there is one */
	if (ps->dir && line[0] != '/') {
		if (asprintf(&entry, "%s/%s%s", ps->dir, line, is_path(line, "scn") ? "" : ".scn") < 0)
			entry = NULL;
		else if (!is_path(line, "scn") && access(entry, R_OK)) {
			free(entry);
			entry = NULL;
		}
	}
	if (!entry)
		entry = strdup(line);
	if (!entry)
		return errf(ps->err, ps->errlen, ps->origin, no, "out of memory");
	rc = scenario_load(entry, &s, msg, sizeof(msg));
	if (rc) {
		free(entry);
		return errf(ps->err, ps->errlen, ps->origin, no, "%s", msg);
	}
	scenario_free(&s);
	ps->su->scenarios[ps->su->n++] = entry;
	return 0;
}

int suite_parse(const char *text, const char *name, const char *origin, struct suite *su, char *err, size_t errlen)
{
	struct suite_parse ps = { .su = su, .origin = origin, .err = err, .errlen = errlen };
	char dir[300];
	const char *slash = strrchr(origin, '/');

	memset(su, 0, sizeof(*su));
	snprintf(su->name, sizeof(su->name), "%s", name);
	if (strncmp(origin, "built-in ", 9)) {
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - origin) : 1, slash ? origin : ".");
		ps.dir = dir;
	}
	if (for_each_line(text, origin, suite_line, &ps, err, errlen)) {
		suite_free(su);
		return -1;
	}
	if (!su->n)
		return errf(err, errlen, origin, 0, "no scenarios listed");
	return 0;
}

int suite_load(const char *name_or_path, struct suite *su, char *err, size_t errlen)
{
	char name[64], origin[300], *buf;
	const char *text = find_text(name_or_path, "suite", &buf, name, sizeof(name), origin, sizeof(origin), err,
				     errlen);
	int rc;

	memset(su, 0, sizeof(*su));
	if (!text)
		return -1;
	rc = suite_parse(text, name, origin, su, err, errlen);
	free(buf);
	return rc;
}

void suite_free(struct suite *su)
{
	for (size_t i = 0; i < su->n; i++)
		free(su->scenarios[i]);
	su->n = 0;
}

void scenario_list(FILE *f)
{
	for (size_t i = 0; i < nr_scenario_builtins; i++) {
		const struct scenario_builtin *b = &scenario_builtins[i];
		struct scenario s;
		char err[512];

		if (strcmp(b->kind, "scn"))
			continue;
		if (scenario_parse(b->text, b->name, "built-in", &s, err, sizeof(err)))
			fprintf(f, "  %-22s (bad: %s)\n", b->name, err);
		else
			fprintf(f, "  %-22s %-12s %s\n", s.name, s.workload, s.description);
		scenario_free(&s);
	}
	for (size_t i = 0; i < nr_scenario_builtins; i++)
		if (!strcmp(scenario_builtins[i].kind, "suite"))
			fprintf(f, "  %-22s (suite)\n", scenario_builtins[i].name);
}
