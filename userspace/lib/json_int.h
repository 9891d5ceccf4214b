/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_int.h - the JSON value type and the constructors that json.c (values, accessors),
 * json_parse.c (the reader) and json_write.c (the writer) share. Not for other files:
 * they see struct json through json.h only.
 */
#ifndef LT_JSON_INT_H
#define LT_JSON_INT_H

#include "json.h"

#define JSON_MAX_DEPTH 256

struct json {
	enum json_type type;
	union {
		bool b;
		uint64_t u;
		int64_t i;
		double d;
		char *s;
		struct {
			struct json **vals;
			char **keys; /* objects only */
			size_t n, cap;
		} c;
	};
};

void *json_xrealloc(void *p, size_t n);           /* aborts on out of memory */
char *json_xstrdup(const char *s);
struct json *json_node(enum json_type t);
struct json *json_string_take(char *s);           /* takes ownership of s */
void json_container_append(struct json *c, char *key, struct json *val);

#endif
