// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - the JSON DOM of json.h: builders and readers. The strict RFC 8259 parser is
 * json_parse.c, the writer (whose output the parser reads back to the same values)
 * json_write.c.
 *
 * Choices that matter to callers:
 *  - integers keep their exactness: a literal that fits u64 is JSON_U64, a
 *    negative one that fits i64 is JSON_I64, anything else is a double;
 *  - objects keep insertion order (result files read in the order written);
 *  - doubles are written with the fewest digits that read back bit-exact and
 *    always with a '.' or exponent, so a double stays a double on re-read;
 *    NaN and infinities have no JSON form and are written as null;
 *  - strings are C strings, so "\u0000" is rejected rather than truncated.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf; the Makefile defines it, a bare `gcc -c` does not */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "json_int.h"


/* Out of memory is not a condition this tool can report usefully mid-way. */
void *json_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("lazytlb: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *json_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(json_xrealloc(NULL, n), s, n);
}

struct json *json_node(enum json_type t)
{
	struct json *j = json_xrealloc(NULL, sizeof(*j));

	memset(j, 0, sizeof(*j));
	j->type = t;
	return j;
}

/* ---------------------------------------------------------------- building */

struct json *json_null(void)
{
	return json_node(JSON_NULL);
}

/* The scalar builders differ only in tag and union member. */
#define SCALAR_BUILDER(fn, ctype, tag, member) \
	struct json *fn(ctype v)               \
	{                                      \
		struct json *j = json_node(tag);    \
		j->member = v;                 \
		return j;                      \
	}

SCALAR_BUILDER(json_bool, bool, JSON_BOOL, b)
SCALAR_BUILDER(json_u64, uint64_t, JSON_U64, u)
SCALAR_BUILDER(json_i64, int64_t, JSON_I64, i)
SCALAR_BUILDER(json_double, double, JSON_DOUBLE, d)

/* Takes ownership of an allocated string. */
struct json *json_string_take(char *s)
{
	struct json *j = json_node(JSON_STRING);

	j->s = s;
	return j;
}

struct json *json_string(const char *s)
{
	return s ? json_string_take(json_xstrdup(s)) : json_null();
}

struct json *json_stringf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("lazytlb: out of memory\n", stderr);
		abort();
	}
	return json_string_take(s);
}

struct json *json_array(void)
{
	return json_node(JSON_ARRAY);
}

struct json *json_object(void)
{
	return json_node(JSON_OBJECT);
}

void json_container_append(struct json *c, char *key, struct json *val)
{
	if (c->c.n == c->c.cap) {
		c->c.cap = c->c.cap ? c->c.cap * 2 : 4;
		c->c.vals = json_xrealloc(c->c.vals, c->c.cap * sizeof(*c->c.vals));
		if (c->type == JSON_OBJECT)
			c->c.keys = json_xrealloc(c->c.keys, c->c.cap * sizeof(*c->c.keys));
	}
	if (c->type == JSON_OBJECT)
		c->c.keys[c->c.n] = key;
	c->c.vals[c->c.n++] = val;
}

static ssize_t object_find(const struct json *obj, const char *key)
{
	for (size_t i = 0; i < obj->c.n; i++)
		if (!strcmp(obj->c.keys[i], key))
			return (ssize_t)i;
	return -1;
}

/* A NULL val (a failed builder upstream) is stored as a JSON null so the key
 * still appears; the return value is what the caller passed. */
struct json *json_set(struct json *obj, const char *key, struct json *val)
{
	struct json *stored = val ? val : json_null();
	ssize_t i;

	if (!obj || obj->type != JSON_OBJECT || !key) {
		json_free(stored);
		return NULL;
	}
	i = object_find(obj, key);
	if (i >= 0) {
		json_free(obj->c.vals[i]);
		obj->c.vals[i] = stored;
	} else {
		json_container_append(obj, json_xstrdup(key), stored);
	}
	return val;
}

struct json *json_push(struct json *arr, struct json *val)
{
	struct json *stored = val ? val : json_null();

	if (!arr || arr->type != JSON_ARRAY) {
		json_free(stored);
		return NULL;
	}
	json_container_append(arr, NULL, stored);
	return val;
}

void json_free(struct json *j)
{
	if (!j)
		return;
	if (j->type == JSON_STRING) {
		free(j->s);
	} else if (j->type == JSON_ARRAY || j->type == JSON_OBJECT) {
		for (size_t i = 0; i < j->c.n; i++) {
			json_free(j->c.vals[i]);
			if (j->c.keys)
				free(j->c.keys[i]);
		}
		free(j->c.vals);
		free(j->c.keys);
	}
	free(j);
}

/* ----------------------------------------------------------------- reading */

enum json_type json_type(const struct json *j)
{
	return j ? j->type : JSON_NULL;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	ssize_t i;

	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	i = object_find(obj, key);
	return i < 0 ? NULL : obj->c.vals[i];
}

/* One path component (not NUL-terminated) applied to j: a key for objects, a
 * decimal index for arrays. */
static const struct json *path_step(const struct json *j, const char *comp, size_t len)
{
	char buf[256];

	if (!j || len >= sizeof(buf))
		return NULL;
	memcpy(buf, comp, len);
	buf[len] = '\0';
	if (j->type == JSON_OBJECT)
		return json_get(j, buf);
	if (j->type == JSON_ARRAY) {
		char *end;
		unsigned long long idx;

		if (!len || buf[0] < '0' || buf[0] > '9')
			return NULL;
		errno = 0;
		idx = strtoull(buf, &end, 10);
		if (errno || *end)
			return NULL;
		return json_at(j, (size_t)idx);
	}
	return NULL;
}

const struct json *json_path(const struct json *root, const char *dotted)
{
	const struct json *j = root;
	const char *p = dotted;

	if (!dotted)
		return NULL;
	while (j) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		j = path_step(j, p, len);
		if (!dot)
			return j;
		p = dot + 1;
	}
	return NULL;
}

size_t json_len(const struct json *j)
{
	if (!j || (j->type != JSON_ARRAY && j->type != JSON_OBJECT))
		return 0;
	return j->c.n;
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (i >= json_len(arr))
		return NULL;
	return arr->c.vals[i];
}

const char *json_key_at(const struct json *obj, size_t i)
{
	if (!obj || obj->type != JSON_OBJECT || i >= obj->c.n)
		return NULL;
	return obj->c.keys[i];
}

bool json_is_number(const struct json *j)
{
	return j && (j->type == JSON_U64 || j->type == JSON_I64 || j->type == JSON_DOUBLE);
}

double json_as_double(const struct json *j)
{
	switch (json_type(j)) {
	case JSON_U64:
		return (double)j->u;
	case JSON_I64:
		return (double)j->i;
	case JSON_DOUBLE:
		return j->d;
	default:
		return NAN;
	}
}

uint64_t json_as_u64(const struct json *j)
{
	switch (json_type(j)) {
	case JSON_U64:
		return j->u;
	case JSON_I64:
		return j->i >= 0 ? (uint64_t)j->i : 0;
	case JSON_DOUBLE:
		if (!(j->d >= 0)) /* negative or NaN */
			return 0;
		if (j->d >= 18446744073709551616.0)
			return UINT64_MAX;
		return (uint64_t)j->d;
	default:
		return 0;
	}
}

const char *json_as_string(const struct json *j)
{
	return json_type(j) == JSON_STRING ? j->s : NULL;
}

bool json_as_bool(const struct json *j)
{
	return json_type(j) == JSON_BOOL && j->b;
}
