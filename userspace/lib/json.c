// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - the values and accessors of json.h, over json-c. The reader and writer are
 * json_io.c.
 *
 * Choices that matter to callers:
 *  - a struct json is a json_object, and JSON null is NULL (json-c's convention): a key set
 *    to null reads back like an absent one, and every accessor takes NULL;
 *  - integers keep their exactness: json-c keeps a u64 as u64 and a negative as i64;
 *    json_type() calls every integer >= 0 JSON_U64;
 *  - objects keep insertion order (result files read in the order written), and a key set
 *    twice keeps its first place;
 *  - strings are C strings (json_io.c rejects "\u0000" on input).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* vasprintf; the Makefile defines it, a bare `gcc -c` does not */
#endif
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "json_int.h"

/* Out of memory is not a condition this tool can report usefully mid-way. */
static struct json *nonnull(jc_object *o)
{
	if (!o) {
		fputs("lazytlb: out of memory\n", stderr);
		abort();
	}
	return (struct json *)o;
}

/* ---------------------------------------------------------------- building */

struct json *json_null(void)
{
	return NULL;
}

struct json *json_bool(bool v)
{
	return nonnull(json_object_new_boolean(v));
}

struct json *json_u64(uint64_t v)
{
	return nonnull(json_object_new_uint64(v));
}

struct json *json_i64(int64_t v)
{
	return nonnull(json_object_new_int64(v));
}

struct json *json_double(double v)
{
	jc_object *o = J(nonnull(json_object_new_double(v)));

	json_object_set_serializer(o, json_write_double, NULL, NULL);
	return (struct json *)o;
}

struct json *json_string(const char *s)
{
	return s ? nonnull(json_object_new_string(s)) : NULL;
}

struct json *json_stringf(const char *fmt, ...)
{
	struct json *j;
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return nonnull(NULL);
	j = nonnull(json_object_new_string_len(s, n));
	free(s);
	return j;
}

struct json *json_array(void)
{
	return nonnull(json_object_new_array());
}

struct json *json_object(void)
{
	return nonnull(json_object_new_object());
}

/*
 * json_at/json_key_at on an object walk json-c's ordered entries; callers go i = 0, 1, 2...,
 * so the last position is remembered and a sequential walk is linear, not quadratic. Any
 * json_set or json_free may free a cached object (and a new one may reuse its address), so
 * both forget the position.
 */
static __thread struct {
	const jc_object *obj;
	size_t i;
	struct json_object_iterator it;
} nth;

static void nth_forget(void)
{
	nth.obj = NULL;
}

static bool object_nth(const struct json *j, size_t i, const char **key, const struct json **val)
{
	jc_object *o = J(j);

	if (!json_object_is_type(o, json_type_object) || i >= (size_t)json_object_object_length(o))
		return false;
	if (nth.obj != o || nth.i > i) {
		nth.obj = o;
		nth.i = 0;
		nth.it = json_object_iter_begin(o);
	}
	for (; nth.i < i; nth.i++)
		json_object_iter_next(&nth.it);
	*key = json_object_iter_peek_name(&nth.it);
	*val = (const struct json *)json_object_iter_peek_value(&nth.it);
	return true;
}

/* Takes ownership of val (NULL is a JSON null, so the key still appears); returns what the
 * caller passed, or NULL when obj is not an object (val is then freed). */
struct json *json_set(struct json *obj, const char *key, struct json *val)
{
	nth_forget();
	if (!json_object_is_type(J(obj), json_type_object) || !key) {
		json_object_put(J(val));
		return NULL;
	}
	if (json_object_object_add(J(obj), key, J(val)))
		nonnull(NULL);
	return val;
}

struct json *json_push(struct json *arr, struct json *val)
{
	if (!json_object_is_type(J(arr), json_type_array)) {
		json_object_put(J(val));
		return NULL;
	}
	if (json_object_array_add(J(arr), J(val)))
		nonnull(NULL);
	return val;
}

void json_free(struct json *j)
{
	nth_forget();
	json_object_put(J(j));
}

/* ----------------------------------------------------------------- reading */

enum json_type json_type(const struct json *j)
{
	switch (json_object_get_type(J(j))) {
	case json_type_boolean:
		return JSON_BOOL;
	case json_type_double:
		return JSON_DOUBLE;
	case json_type_int:
		return json_object_get_int64(J(j)) < 0 ? JSON_I64 : JSON_U64;
	case json_type_string:
		return JSON_STRING;
	case json_type_array:
		return JSON_ARRAY;
	case json_type_object:
		return JSON_OBJECT;
	default:
		return JSON_NULL;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	jc_object *v = NULL;

	if (!key || !json_object_object_get_ex(J(obj), key, &v))
		return NULL;
	return (const struct json *)v;
}

/* A decimal array index, or SIZE_MAX */
static size_t array_index(const char *s)
{
	unsigned long long idx;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return SIZE_MAX;
	errno = 0;
	idx = strtoull(s, &end, 10);
	return errno || *end || idx >= SIZE_MAX ? SIZE_MAX : (size_t)idx;
}

bool json_has(const struct json *j, const char *key)
{
	if (!key)
		return false;
	if (json_type(j) == JSON_OBJECT)
		return json_object_object_get_ex(J(j), key, NULL);
	return json_type(j) == JSON_ARRAY && array_index(key) < json_len(j);
}

/* One path component (not NUL-terminated) applied to j: a key for objects, a decimal index
 * for arrays. Dots, not json-c's JSON pointers ("/a/0/b"): the ~60 paths in the callers
 * read as the schema's documentation writes them, and no key contains a dot. */
static const struct json *path_step(const struct json *j, const char *comp, size_t len)
{
	char buf[256];

	if (!j || len >= sizeof(buf))
		return NULL;
	memcpy(buf, comp, len);
	buf[len] = '\0';
	if (json_type(j) == JSON_OBJECT)
		return json_get(j, buf);
	if (json_type(j) != JSON_ARRAY)
		return NULL;
	return json_at(j, array_index(buf));
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
	switch (json_object_get_type(J(j))) {
	case json_type_array:
		return json_object_array_length(J(j));
	case json_type_object:
		return (size_t)json_object_object_length(J(j));
	default:
		return 0;
	}
}

const struct json *json_at(const struct json *arr, size_t i)
{
	const struct json *v = NULL;
	const char *key;

	if (json_object_is_type(J(arr), json_type_array))
		return i < json_len(arr) ? (const struct json *)json_object_array_get_idx(J(arr), i) : NULL;
	return object_nth(arr, i, &key, &v) ? v : NULL;
}

const char *json_key_at(const struct json *obj, size_t i)
{
	const struct json *v;
	const char *key;

	return object_nth(obj, i, &key, &v) ? key : NULL;
}

bool json_is_number(const struct json *j)
{
	return json_object_is_type(J(j), json_type_int) || json_object_is_type(J(j), json_type_double);
}

double json_as_double(const struct json *j)
{
	switch (json_type(j)) {
	case JSON_U64:
		return (double)json_object_get_uint64(J(j));
	case JSON_I64:
		return (double)json_object_get_int64(J(j));
	case JSON_DOUBLE:
		return json_object_get_double(J(j));
	default:
		return NAN;
	}
}

uint64_t json_as_u64(const struct json *j)
{
	double d;

	switch (json_type(j)) {
	case JSON_U64:
		return json_object_get_uint64(J(j));
	case JSON_DOUBLE:
		d = json_object_get_double(J(j));
		if (!(d >= 0)) /* negative or NaN */
			return 0;
		if (d >= 18446744073709551616.0)
			return UINT64_MAX;
		return (uint64_t)d;
	default:
		return 0;
	}
}

const char *json_as_string(const struct json *j)
{
	return json_object_is_type(J(j), json_type_string) ? json_object_get_string(J(j)) : NULL;
}

bool json_as_bool(const struct json *j)
{
	return json_object_is_type(J(j), json_type_boolean) && json_object_get_boolean(J(j));
}
