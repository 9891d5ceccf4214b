/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - the one JSON module: the document that `record`/`run` build and serialise, and
 * that `compare`/`plot`/tests parse; json-c underneath (json.c, json_io.c). Numbers keep
 * their u64 exactness: an integer literal that fits in u64 is stored as such.
 */
#ifndef LT_JSON_H
#define LT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_U64, JSON_I64, JSON_DOUBLE, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json; /* opaque */

/* building (each returns a new node owned by the caller until attached) */
struct json *json_null(void);
struct json *json_bool(bool v);
struct json *json_u64(uint64_t v);
struct json *json_i64(int64_t v);
struct json *json_double(double v);
struct json *json_string(const char *s);     /* copies s; NULL s gives a JSON null */
struct json *json_stringf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct json *json_array(void);
struct json *json_object(void);
/* attach: takes ownership of val; replaces an existing key; returns val (NULL-safe) */
struct json *json_set(struct json *obj, const char *key, struct json *val);
struct json *json_push(struct json *arr, struct json *val);
void json_free(struct json *j);

/* reading */
enum json_type json_type(const struct json *j);
/* JSON null is NULL: json_get() cannot tell a null value from an absent key, json_has() can */
const struct json *json_get(const struct json *obj, const char *key); /* NULL if absent or null */
bool json_has(const struct json *j, const char *key); /* object key, or array index "3", present */
const struct json *json_path(const struct json *root, const char *dotted); /* "a.b.c", "reps.0.x" */
size_t json_len(const struct json *j);                      /* array or object size */
const struct json *json_at(const struct json *arr, size_t i); /* array element or object value */
const char *json_key_at(const struct json *obj, size_t i);    /* object key i (insertion order) */
bool json_is_number(const struct json *j);
double json_as_double(const struct json *j);  /* numbers; NaN otherwise */
uint64_t json_as_u64(const struct json *j);   /* u64/i64>=0/double>=0 truncated; 0 otherwise */
const char *json_as_string(const struct json *j); /* NULL unless string */
bool json_as_bool(const struct json *j);

/* parse a whole document; NULL on error with a one-line message in err
 * ("line 3 column 7: expected ','") */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
/* read and parse a file; err gets "<path>: <reason>" */
struct json *json_parse_file(const char *path, char *err, size_t errlen);

/* serialise: pretty=true gives 2-space indentation and a final newline */
int json_write(FILE *f, const struct json *j, bool pretty);
/* write to path atomically (tmp file in the same directory + fsync + rename);
 * returns 0 or -errno, never leaves a half-written file at path */
int json_write_file_atomic(const char *path, const struct json *j);

#endif
