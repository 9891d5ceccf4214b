/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_int.h - what json.c (values, accessors) and json_io.c (reader, writer) share: a
 * struct json is a json-c json_object, and doubles print through one serializer. Not for
 * other files: they see struct json through json.h only.
 */
#ifndef LT_JSON_INT_H
#define LT_JSON_INT_H

/* json-c and json.h both name json_object, json_bool and json_type (json.h's ~130 call sites
 * came first): inside the JSON module json-c's are jc_object, jc_bool and jc_type. json-c's
 * macros that name its struct (json_object_object_foreach) do not work here: iterate with
 * json_object_iter_*. */
#define json_object jc_object
#define json_bool jc_bool
#define json_type jc_type
#include <json-c/json.h>
#undef json_object
#undef json_bool
#undef json_type
#include "json.h"

#define JSON_MAX_DEPTH 256

static inline jc_object *J(const struct json *j)
{
	return (jc_object *)j;
}

/* json-c's own double format is %.17g ("0.10000000000000001"); ours is the shortest
 * text that reads back bit-exact, and null for NaN and infinities */
json_object_to_json_string_fn json_write_double;

#endif
