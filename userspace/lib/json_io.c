// SPDX-License-Identifier: GPL-2.0
/*
 * json_io.c - the reader and writer of json.h over json-c's tokener and printer. What json-c
 * does not do is here: the layout (arrays of scalars on one line, as result files have
 * always been written), doubles in their shortest exact form, replacing a file whole
 * (temp + fsync + rename), and refusing what json-c's strict mode still lets through (NaN,
 * infinities, "\u0000" inside a string) with one line that says where.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "json_int.h"

/* ---------------------------------------------------------------- writing */

/* Shortest of %.15g..%.17g that reads back to the same double; ".0" added when it looks
 * like an integer so the reader keeps it a double. */
int json_write_double(jc_object *o, struct printbuf *pb, int level, int flags)
{
	double d = json_object_get_double(o);
	char buf[40];

	if (!isfinite(d))
		return printbuf_strappend(pb, "null");
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (!strpbrk(buf, ".eE"))
		strcat(buf, ".0");
	return printbuf_memappend(pb, buf, (int)strlen(buf));
}

static bool is_scalar(jc_object *o)
{
	return !json_object_is_type(o, json_type_array) && !json_object_is_type(o, json_type_object);
}

/* Arrays of scalars (histogram buckets, per-CPU counts) stay on one line in pretty output. */
static int write_scalar_array(jc_object *a, struct printbuf *pb, int level, int flags)
{
	size_t n = json_object_array_length(a);
	char num[24];

	printbuf_strappend(pb, "[");
	for (size_t i = 0; i < n; i++) {
		jc_object *v = json_object_array_get_idx(a, i);
		const char *s = num;

		if (i && (flags & JSON_C_TO_STRING_PRETTY))
			printbuf_strappend(pb, ", ");
		else if (i)
			printbuf_strappend(pb, ",");
		switch (json_object_get_type(v)) {
		case json_type_double:
			json_write_double(v, pb, level, flags);
			continue;
		case json_type_int:
			if (json_object_get_int64(v) < 0)
				snprintf(num, sizeof(num), "%" PRId64, json_object_get_int64(v));
			else
				snprintf(num, sizeof(num), "%" PRIu64, json_object_get_uint64(v));
			break;
		case json_type_null:
			s = "null";
			break;
		default: /* strings and booleans: json-c's escaping */
			s = json_object_to_json_string_ext(v, flags);
		}
		printbuf_memappend(pb, s, (int)strlen(s));
	}
	return printbuf_strappend(pb, "]");
}

/* json-c's pretty printer puts a line break inside an empty object */
static int write_empty_object(jc_object *o, struct printbuf *pb, int level, int flags)
{
	return printbuf_strappend(pb, "{}");
}

/* Which arrays print on one line depends on what they hold when written, not when made. */
static void set_layout(jc_object *o)
{
	bool scalars = true;

	if (json_object_is_type(o, json_type_object)) {
		struct json_object_iterator it = json_object_iter_begin(o), end = json_object_iter_end(o);

		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
			set_layout(json_object_iter_peek_value(&it));
		json_object_set_serializer(o, json_object_object_length(o) ? NULL : write_empty_object, NULL, NULL);
		return;
	}
	if (!json_object_is_type(o, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		jc_object *v = json_object_array_get_idx(o, i);

		scalars = scalars && is_scalar(v);
		set_layout(v);
	}
	json_object_set_serializer(o, scalars ? write_scalar_array : NULL, NULL, NULL);
}

int json_write(FILE *f, const struct json *j, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
	const char *s = "null";
	size_t len = 4;

	if (j) {
		set_layout(J(j));
		s = json_object_to_json_string_length(J(j), flags, &len);
		if (!s)
			return -ENOMEM;
	}
	fwrite(s, 1, len, f);
	if (pretty)
		fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

/* Durability of the rename itself: best effort, a failure here is not data loss. */
static void fsync_parent_dir(const char *path)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	int fd;

	if (!dir)
		return;
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int json_write_file_atomic(const char *path, const struct json *j)
{
	char *tmp;
	FILE *f;
	int fd, ret = 0;

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		free(tmp);
		return ret;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		goto out_unlink;
	}
	ret = json_write(f, j, true);
	if (!ret && fflush(f))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (!ret) {
		fsync_parent_dir(path);
		free(tmp);
		return 0;
	}
out_unlink:
	unlink(tmp);
	free(tmp);
	return ret;
}

/* ----------------------------------------------------------------- reading */

/* RFC 3629 UTF-8 (no overlongs, no surrogates, at most U+10FFFF): json-c's own check lets
 * overlong and surrogate forms through, and what is read may be written out again. */
static bool utf8_ok(const unsigned char *s)
{
	while (*s) {
		uint32_t cp;
		size_t n;

		if (s[0] < 0x80) {
			s++;
			continue;
		}
		if (s[0] >= 0xc2 && s[0] <= 0xdf)
			n = 2, cp = s[0] & 0x1f;
		else if (s[0] >= 0xe0 && s[0] <= 0xef)
			n = 3, cp = s[0] & 0x0f;
		else if (s[0] >= 0xf0 && s[0] <= 0xf4)
			n = 4, cp = s[0] & 0x07;
		else
			return false;
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += n;
	}
	return true;
}

/* Where check_tree() stopped: the reason and the path to the value */
struct tree_err {
	const char *why;
	int depth;
	struct {
		const char *key; /* NULL: array index idx */
		size_t idx;
	} at[JSON_MAX_DEPTH + 1];
};

static bool tree_fail(struct tree_err *e, int depth, const char *why)
{
	e->why = why;
	e->depth = depth;
	return false;
}

/* What strict json-c accepts and json.h does not; also moves parsed doubles to our printer
 * (json-c would print a parsed double as its input text). */
static bool check_tree(jc_object *o, struct tree_err *e, int depth)
{
	switch (json_object_get_type(o)) {
	case json_type_double:
		if (!isfinite(json_object_get_double(o)))
			return tree_fail(e, depth, "NaN, infinities and numbers out of double range are not JSON");
		json_object_set_serializer(o, json_write_double, NULL, NULL);
		return true;
	case json_type_string:
		if (strlen(json_object_get_string(o)) != (size_t)json_object_get_string_len(o))
			return tree_fail(e, depth, "\\u0000 is not supported (strings are NUL-terminated)");
		if (!utf8_ok((const unsigned char *)json_object_get_string(o)))
			return tree_fail(e, depth, "invalid UTF-8 in a string");
		return true;
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			if (!check_tree(json_object_array_get_idx(o, i), e, depth + 1)) {
				e->at[depth].key = NULL;
				e->at[depth].idx = i;
				return false;
			}
		}
		return true;
	case json_type_object: {
		struct json_object_iterator it = json_object_iter_begin(o), end = json_object_iter_end(o);

		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
			if (!check_tree(json_object_iter_peek_value(&it), e, depth + 1)) {
				e->at[depth].key = json_object_iter_peek_name(&it);
				return false;
			}
		}
		return true;
	}
	default:
		return true;
	}
}

/* "reps.0.duration_ns: <why>", the path as json_path() takes it */
static void tree_error(const struct tree_err *e, char *err, size_t errlen)
{
	size_t off = 0;

	if (!err || !errlen)
		return;
	err[0] = '\0';
	for (int d = 0; d < e->depth && off < errlen; d++) {
		int n = e->at[d].key ? snprintf(err + off, errlen - off, "%s%s", d ? "." : "", e->at[d].key)
				     : snprintf(err + off, errlen - off, "%s%zu", d ? "." : "", e->at[d].idx);

		off += n > 0 ? (size_t)n : 0;
	}
	if (off < errlen)
		snprintf(err + off, errlen - off, "%s%s", e->depth ? ": " : "", e->why);
}

/* "line L column C: " for byte offset off, and the byte there when it is the culprit */
static void parse_error(const char *text, size_t len, size_t off, const char *why, char *err, size_t errlen)
{
	size_t line = 1, col = 1;
	unsigned char c = off < len ? (unsigned char)text[off] : 0;

	if (!err || !errlen)
		return;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (off >= len)
		snprintf(err, errlen, "line %zu column %zu: %s", line, col, why);
	else if (c >= 0x20 && c < 0x7f)
		snprintf(err, errlen, "line %zu column %zu: %s at '%c'", line, col, why, c);
	else
		snprintf(err, errlen, "line %zu column %zu: %s at byte 0x%02x", line, col, why, c);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	size_t start = 0, end;
	struct json_tokener *tok;
	enum json_tokener_error e;
	jc_object *o;
	struct tree_err te;

	if (err && errlen)
		err[0] = '\0';
	if (len > INT_MAX - 1) {
		parse_error(text, 0, 0, "larger than 2 GiB", err, errlen);
		return NULL;
	}
	/* a UTF-8 byte order mark is tolerated (RFC 8259 section 8.1) */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		start = 3;
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok) {
		fputs("lazytlb: out of memory\n", stderr);
		abort();
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text + start, (int)(len - start));
	e = json_tokener_get_error(tok);
	end = start + json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue) {
		/* a bare number or literal ends only at the end of input: say so with a NUL */
		o = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		end = len;
	}
	json_tokener_free(tok);
	if (e != json_tokener_success) {
		parse_error(text, len, end, json_tokener_error_desc(e), err, errlen);
		return NULL;
	}
	if (end < len) {
		parse_error(text, len, end, "unexpected data after the document", err, errlen);
		json_object_put(o);
		return NULL;
	}
	if (!check_tree(o, &te, 0)) {
		tree_error(&te, err, errlen);
		json_object_put(o);
		return NULL;
	}
	return (struct json *)o;
}

struct json *json_parse_file(const char *path, char *err, size_t errlen)
{
	char sub[256];
	struct json *j;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	FILE *f = fopen(path, "rb");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				fputs("lazytlb: out of memory\n", stderr);
				abort();
			}
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		free(buf);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return NULL;
	}
	fclose(f);
	j = json_parse(buf, n, sub, sizeof(sub));
	free(buf);
	if (!j)
		snprintf(err, errlen, "%s: %s", path, sub);
	return j;
}
