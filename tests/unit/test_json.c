// SPDX-License-Identifier: GPL-2.0
/*
 * test_json.c - json.h over json-c: exact integers, round trips, escapes, the layout of
 * written files, the reader's one-line errors and what it accepts beyond RFC 8259, atomic
 * writes; and hist.c's JSON form and percentiles, the other half of every result file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/json.h"
#include "result/hist.h"
#include "check.h"

/* Serialise to a malloc'ed string. */
static char *to_string(const struct json *j, bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_write(f, j, pretty);
	fclose(f);
	return buf;
}

static struct json *parse_str(const char *s)
{
	char err[256];
	struct json *j = json_parse(s, strlen(s), err, sizeof(err));

	if (!j)
		fprintf(stderr, "unexpected parse error for %s: %s\n", s, err);
	return j;
}

static void test_build_and_write(void)
{
	struct json *o = json_object(), *a;
	char *s;

	json_set(o, "b", json_u64(1));
	json_set(o, "a", json_string("x"));
	a = json_set(o, "arr", json_array());
	json_push(a, json_i64(-3));
	json_push(a, json_double(0.5));
	json_push(a, json_null());
	json_push(a, json_bool(true));
	json_set(o, "b", json_u64(2)); /* replace keeps the first position */
	json_set(o, "s", json_string(NULL));
	json_set(o, "f", json_stringf("%d-%s", 7, "x"));
	s = to_string(o, false);
	CHECK_STR(s, "{\"b\":2,\"a\":\"x\",\"arr\":[-3,0.5,null,true],\"s\":null,\"f\":\"7-x\"}");
	free(s);
	s = to_string(o, true);
	CHECK_STR(s, "{\n  \"b\": 2,\n  \"a\": \"x\",\n  \"arr\": [-3, 0.5, null, true],\n"
		     "  \"s\": null,\n  \"f\": \"7-x\"\n}\n");
	free(s);
	CHECK(json_len(o) == 5);
	CHECK_STR(json_key_at(o, 2), "arr");
	CHECK(json_as_u64(json_path(o, "b")) == 2);
	CHECK(json_as_double(json_path(o, "arr.1")) == 0.5);
	CHECK(json_path(o, "arr.9") == NULL);
	CHECK(json_path(o, "arr.x") == NULL);
	CHECK(json_path(o, "nope.x") == NULL);
	CHECK(json_as_u64(json_path(o, "arr.0")) == 0); /* negative reads as 0 */
	CHECK(isnan(json_as_double(json_get(o, "a"))));
	CHECK(json_get(o, "s") == NULL && json_type(json_get(o, "s")) == JSON_NULL); /* null reads as absent */
	CHECK(json_has(o, "s") && !json_has(o, "nope") && !json_has(o, NULL));
	CHECK(json_has(json_get(o, "arr"), "2") && !json_has(json_get(o, "arr"), "4"));
	CHECK(!json_has(json_get(o, "arr"), "x") && !json_has(json_get(o, "a"), "0"));
	json_free(o);

	/* object members by position: in insertion order, forwards, backwards, after a change */
	o = json_object();
	for (int i = 0; i < 1000; i++) {
		char key[16];

		snprintf(key, sizeof(key), "k%d", i);
		json_set(o, key, json_u64((uint64_t)i));
	}
	for (size_t i = 0; i < 1000; i++)
		CHECK(json_as_u64(json_at(o, i)) == i && atoi(json_key_at(o, i) + 1) == (int)i);
	for (size_t i = 1000; i-- > 0;)
		CHECK(json_as_u64(json_at(o, i)) == i);
	json_set(o, "k3", json_u64(7));
	CHECK(json_as_u64(json_at(o, 3)) == 7 && json_at(o, 1000) == NULL && json_key_at(o, 1000) == NULL);
	json_free(o);

	/* nested containers in pretty mode, empty ones stay compact */
	o = parse_str("{\"x\":[[1,2],[]],\"e\":{}}");
	s = to_string(o, true);
	CHECK_STR(s, "{\n  \"x\": [\n    [1, 2],\n    []\n  ],\n  \"e\": {}\n}\n");
	free(s);
	json_free(o);
}

static void test_numbers(void)
{
	struct json *j;
	char *s;

	j = parse_str("18446744073709551615");
	CHECK(json_type(j) == JSON_U64 && json_as_u64(j) == UINT64_MAX);
	s = to_string(j, false);
	CHECK_STR(s, "18446744073709551615");
	free(s);
	json_free(j);

	j = parse_str("18446744073709551616"); /* one past u64: json-c saturates */
	CHECK(json_type(j) == JSON_U64);
	CHECK(json_as_u64(j) == UINT64_MAX);
	json_free(j);

	j = parse_str("-9223372036854775808");
	CHECK(json_type(j) == JSON_I64 && json_as_double(j) == -9223372036854775808.0);
	s = to_string(j, false);
	CHECK_STR(s, "-9223372036854775808");
	free(s);
	json_free(j);

	j = parse_str("-9223372036854775809");
	CHECK(json_type(j) == JSON_I64 && json_as_double(j) == -9223372036854775808.0);
	json_free(j);

	j = parse_str("-0");
	CHECK(json_type(j) == JSON_U64 && json_as_double(j) == 0);
	json_free(j);

	/* built values: the written text is what json_type says */
	j = json_array();
	json_push(j, json_u64(UINT64_MAX));
	json_push(j, json_u64((uint64_t)INT64_MAX + 1));
	json_push(j, json_i64(INT64_MIN));
	json_push(j, json_i64(5));
	CHECK(json_type(json_at(j, 0)) == JSON_U64 && json_type(json_at(j, 1)) == JSON_U64);
	CHECK(json_type(json_at(j, 2)) == JSON_I64 && json_type(json_at(j, 3)) == JSON_U64);
	s = to_string(j, false);
	CHECK_STR(s, "[18446744073709551615,9223372036854775808,-9223372036854775808,5]");
	free(s);
	json_free(j);

	j = parse_str("[1.5e3, 2E-2, 0.1, 1e300, 5e-324, 3.0, -0.25]");
	CHECK(json_type(json_at(j, 0)) == JSON_DOUBLE && json_as_double(json_at(j, 0)) == 1500);
	CHECK(json_as_double(json_at(j, 1)) == 0.02);
	s = to_string(j, false);
	/* fewest digits from 15 to 17 that read back exactly; integral doubles keep a ".0" */
	CHECK_STR(s, "[1500.0,0.02,0.1,1e+300,4.94065645841247e-324,3.0,-0.25]");
	free(s);
	json_free(j);

	/* NaN and infinities are written as null */
	j = json_array();
	json_push(j, json_double(NAN));
	json_push(j, json_double(INFINITY));
	s = to_string(j, false);
	CHECK_STR(s, "[null,null]");
	free(s);
	json_free(j);
}

/* Every value survives write -> parse -> write unchanged, compact and pretty. */
static void test_round_trip(void)
{
	static const double doubles[] = { 0.1, 1.0 / 3, 2.5e-300, 1e22, 123456.789, -7.0, 6.02214076e23 };
	struct json *o = json_object(), *a = json_array(), *back;
	char *s1, *s2;

	json_set(o, "max", json_u64(UINT64_MAX));
	json_set(o, "min", json_i64(INT64_MIN));
	for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++)
		json_push(a, json_double(doubles[i]));
	json_set(o, "d", a);
	json_set(o, "s", json_string("tab\t nl\n quote\" back\\ ctl\x01 utf8 \xc3\xa9 \xf0\x9f\x98\x80 slash/"));
	json_set(o, "empty", json_string(""));
	json_set(json_set(o, "nest", json_object()), "deep", json_array());
	for (int pretty = 0; pretty <= 1; pretty++) {
		s1 = to_string(o, pretty);
		back = parse_str(s1);
		CHECK(back != NULL);
		s2 = to_string(back, pretty);
		CHECK_STR(s2, s1);
		CHECK(json_type(json_get(back, "max")) == JSON_U64);
		CHECK(json_as_u64(json_get(back, "max")) == UINT64_MAX);
		for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
			CHECK(json_type(json_at(json_get(back, "d"), i)) == JSON_DOUBLE);
			CHECK(json_as_double(json_at(json_get(back, "d"), i)) == doubles[i]);
		}
		CHECK_STR(json_as_string(json_get(back, "s")), json_as_string(json_get(o, "s")));
		free(s1);
		free(s2);
		json_free(back);
	}
	s1 = to_string(json_get(o, "s"), false);
	CHECK_STR(s1, "\"tab\\t nl\\n quote\\\" back\\\\ ctl\\u0001 utf8 \xc3\xa9 \xf0\x9f\x98\x80 slash/\"");
	free(s1);
	json_free(o);
}

static void test_escapes(void)
{
	struct json *j = parse_str("\"a\\u00e9\\u20AC\\ud83d\\ude00\\/\\b\\f\\r\\n\\t\\\"\\\\\"");

	CHECK_STR(json_as_string(j), "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\b\f\r\n\t\"\\");
	json_free(j);
}

struct bad_case {
	const char *text;
	const char *err;
};

static void test_errors(void)
{
	static const struct bad_case cases[] = {
		{ "", "line 1 column 1: unexpected end of data" },
		{ "   ", "line 1 column 4: unexpected end of data" },
		{ "[1,2", "line 1 column 5: unexpected end of data" },
		{ "{\"a\"", "line 1 column 5: unexpected end of data" },
		{ "{\"a\":", "line 1 column 6: unexpected end of data" },
		{ "\"abc", "line 1 column 5: unexpected end of data" },
		{ "[1 2]", "line 1 column 4: array value separator ',' expected at '2'" },
		{ "[1,]", "line 1 column 4: unexpected character at ']'" },
		{ "{\"a\":1,}", "line 1 column 8: unexpected character at '}'" },
		{ "{1:2}", "line 1 column 2: quoted object property name expected at '1'" },
		{ "{\"a\" 1}", "line 1 column 6: object property name separator ':' expected at '1'" },
		{ "{\"a\":1}x", "line 1 column 8: unexpected character at 'x'" },
		{ "1 2", "line 1 column 3: unexpected character at '2'" },
		{ "[1][2]", "line 1 column 4: unexpected character at '['" },
		{ "[\n  1,\n  ]", "line 3 column 3: unexpected character at ']'" },
		{ "01", "line 1 column 3: unexpected end of data" },
		{ "-", "line 1 column 2: unexpected end of data" },
		{ "-x", "line 1 column 2: number expected at 'x'" },
		{ "1e+", "line 1 column 4: unexpected end of data" },
		{ ".5", "line 1 column 1: unexpected character at '.'" },
		{ "+1", "line 1 column 1: unexpected character at '+'" },
		{ "nul", "line 1 column 4: unexpected end of data" },
		{ "nulx", "line 1 column 4: null expected at 'x'" },
		{ "True", "line 1 column 1: boolean expected at 'T'" },
		{ "\"\\x\"", "line 1 column 3: invalid string sequence at 'x'" },
		{ "\"\\u12g4\"", "line 1 column 6: invalid string sequence at 'g'" },
		{ "\"\xff\"", "line 1 column 2: invalid utf-8 string at byte 0xff" },
		{ "\"\xe2\x82\"", "line 1 column 4: invalid utf-8 string at '\"'" }, /* truncated */
		{ "[1]\x01", "line 1 column 4: unexpected character at byte 0x01" },
		/* what json-c's strict mode lets through, refused after the parse */
		{ "1e999", "NaN, infinities and numbers out of double range are not JSON" },
		{ "NaN", "NaN, infinities and numbers out of double range are not JSON" },
		{ "[-Infinity]", "0: NaN, infinities and numbers out of double range are not JSON" },
		{ "{\"a\":[1,{\"b\":Infinity}]}", "a.1.b: NaN, infinities and numbers out of double range are not JSON" },
		{ "\"\\u0000\"", "\\u0000 is not supported (strings are NUL-terminated)" },
		{ "\"\xc0\xaf\"", "invalid UTF-8 in a string" },     /* overlong '/' */
		{ "\"\xed\xa0\x80\"", "invalid UTF-8 in a string" }, /* encoded surrogate */
	};
	/* accepted beyond RFC 8259 (json-c's strict mode), and read as this */
	static const struct { const char *text, *as; } lenient[] = {
		{ "-01", "-1" },
		{ "1.", "1.0" },
		{ "1.e5", "100000.0" },
		{ "\"a\tb\"", "\"a\\tb\"" }, /* a raw control character */
		{ "\"\\ud800\"", "\"\xef\xbf\xbd\"" }, /* a lone surrogate becomes U+FFFD */
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json *j = json_parse(cases[i].text, strlen(cases[i].text), err, sizeof(err));

		CHECK(j == NULL);
		json_free(j);
		CHECK_STR(err, cases[i].err);
		CHECK(!strchr(err, '\n')); /* one line */
	}
	for (size_t i = 0; i < sizeof(lenient) / sizeof(lenient[0]); i++) {
		struct json *j = parse_str(lenient[i].text);
		char *s = to_string(j, false);

		CHECK_STR(s, lenient[i].as);
		free(s);
		json_free(j);
	}

	/* nesting: 256 levels parse, 257 do not */
	for (int depth = 256; depth <= 257; depth++) {
		char buf[600];
		struct json *j;

		memset(buf, '[', (size_t)depth);
		memset(buf + depth, ']', (size_t)depth);
		j = json_parse(buf, 2 * (size_t)depth, err, sizeof(err));
		CHECK((depth == 256) == (j != NULL));
		if (!j)
			CHECK_STR(err, "line 1 column 257: nesting too deep at '['");
		json_free(j);
	}

	/* a byte order mark is allowed, an embedded NUL is not */
	{
		struct json *j = json_parse("\xef\xbb\xbf[1]", 6, err, sizeof(err));

		CHECK(j && json_len(j) == 1);
		json_free(j);
		j = json_parse("[1]\0", 4, err, sizeof(err));
		CHECK(!j);
		CHECK_STR(err, "line 1 column 4: unexpected data after the document at byte 0x00");
	}
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void test_files(void)
{
	char dir[] = "/tmp/test_json.XXXXXX", path[128], err[512], want[256];
	struct json *o, *back;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/r.json", dir);

	o = json_object();
	json_set(o, "schema", json_string("lazytlb-result/1"));
	json_set(o, "n", json_u64(UINT64_MAX));
	CHECK(json_write_file_atomic(path, o) == 0);
	back = json_parse_file(path, err, sizeof(err));
	CHECK(back != NULL);
	CHECK(json_as_u64(json_get(back, "n")) == UINT64_MAX);
	CHECK_STR(json_as_string(json_get(back, "schema")), "lazytlb-result/1");
	json_free(back);
	{
		/* no temporary file left behind */
		char tmp[160];

		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
		CHECK(access(tmp, F_OK) != 0);
	}

	/* a directory that does not exist: -ENOENT, nothing written */
	{
		char bad[160];

		snprintf(bad, sizeof(bad), "%s/missing/r.json", dir);
		CHECK(json_write_file_atomic(bad, o) == -ENOENT);
	}
	/* the target is a directory: rename fails, tmp removed, -errno returned */
	{
		char sub[160], tmp[200];

		snprintf(sub, sizeof(sub), "%s/adir", dir);
		mkdir(sub, 0755);
		CHECK(json_write_file_atomic(sub, o) == -EISDIR);
		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", sub, (int)getpid());
		CHECK(access(tmp, F_OK) != 0);
		rmdir(sub);
	}
	json_free(o);

	/* errors name the file */
	write_text(path, "{\"a\"");
	CHECK(json_parse_file(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s: line 1 column 5: unexpected end of data", path);
	CHECK_STR(err, want);

	write_text(path, "{\n  \"schema\": \"lazytlb-result/1\",\n  \"reps\": [1, 2,,]\n}\n");
	CHECK(json_parse_file(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s: line 3 column 17: unexpected character at ','", path);
	CHECK_STR(err, want);

	write_text(path, "");
	CHECK(json_parse_file(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s: line 1 column 1: unexpected end of data", path);
	CHECK_STR(err, want);

	unlink(path);
	CHECK(json_parse_file(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(err, want);

	CHECK(json_parse_file(dir, err, sizeof(err)) == NULL); /* a directory */
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	CHECK_STR(err, want);
	rmdir(dir);
}

static void test_hist(void)
{
	struct lt_hist h = { 0 }, back;
	struct json *j, *reparsed;
	char err[256], *s;
	unsigned int b500 = lt_hist_bucket(500);
	double p50;

	for (__u64 v = 1; v <= 1000; v++)
		hist_add(&h, v);
	CHECK(h.count == 1000 && h.sum == 500500 && h.min == 1 && h.max == 1000);

	/* p50 lies in the bucket holding 500, p0/p100 are min/max */
	p50 = hist_percentile(&h, 0.5);
	CHECK(p50 >= (double)hist_bucket_lo(b500) && p50 <= (double)hist_bucket_hi(b500));
	CHECK_NEAR(p50, 500, (double)(hist_bucket_hi(b500) - hist_bucket_lo(b500)));
	CHECK(hist_percentile(&h, 0) == 1);
	CHECK(hist_percentile(&h, 1) == 1000);
	CHECK(hist_percentile(&h, 0.99) <= 1000 && hist_percentile(&h, 0.99) >= 896);

	/* result-file form, through text, and back: identical counts */
	j = hist_to_json(&h, "ns");
	s = to_string(j, true);
	reparsed = parse_str(s);
	CHECK(hist_from_json(reparsed, &back, err, sizeof(err)) == 0);
	CHECK(memcmp(&h, &back, sizeof(h)) == 0);
	CHECK_STR(json_as_string(json_get(reparsed, "unit")), "ns");
	CHECK_NEAR(json_as_double(json_get(reparsed, "p50")), p50, 1e-9);
	free(s);
	json_free(j);
	json_free(reparsed);

	/* a bucket that is not ours is refused */
	reparsed = parse_str("{\"count\":1,\"buckets\":[[5,7,1]]}");
	CHECK(hist_from_json(reparsed, &back, err, sizeof(err)) == -1);
	CHECK(strstr(err, "not a lazytlb bucket") != NULL);
	json_free(reparsed);
}

int main(void)
{
	test_build_and_write();
	test_numbers();
	test_round_trip();
	test_escapes();
	test_errors();
	test_files();
	test_hist();
	return check_exit("test_json");
}
