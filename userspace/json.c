// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - the JSON DOM of json.h: builders, readers, a strict RFC 8259 parser
 * and a writer whose output the parser reads back to the same values.
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

/* Out of memory is not a condition this tool can report usefully mid-way. */
static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("lazytlb: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static struct json *node(enum json_type t)
{
	struct json *j = xrealloc(NULL, sizeof(*j));

	memset(j, 0, sizeof(*j));
	j->type = t;
	return j;
}

/* ---------------------------------------------------------------- building */

struct json *json_null(void)
{
	return node(JSON_NULL);
}

/* The scalar builders differ only in tag and union member. */
#define SCALAR_BUILDER(fn, ctype, tag, member) \
	struct json *fn(ctype v)               \
	{                                      \
		struct json *j = node(tag);    \
		j->member = v;                 \
		return j;                      \
	}

SCALAR_BUILDER(json_bool, bool, JSON_BOOL, b)
SCALAR_BUILDER(json_u64, uint64_t, JSON_U64, u)
SCALAR_BUILDER(json_i64, int64_t, JSON_I64, i)
SCALAR_BUILDER(json_double, double, JSON_DOUBLE, d)

/* Takes ownership of an allocated string. */
static struct json *string_take(char *s)
{
	struct json *j = node(JSON_STRING);

	j->s = s;
	return j;
}

struct json *json_string(const char *s)
{
	return s ? string_take(xstrdup(s)) : json_null();
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
	return string_take(s);
}

struct json *json_array(void)
{
	return node(JSON_ARRAY);
}

struct json *json_object(void)
{
	return node(JSON_OBJECT);
}

static void container_append(struct json *c, char *key, struct json *val)
{
	if (c->c.n == c->c.cap) {
		c->c.cap = c->c.cap ? c->c.cap * 2 : 4;
		c->c.vals = xrealloc(c->c.vals, c->c.cap * sizeof(*c->c.vals));
		if (c->type == JSON_OBJECT)
			c->c.keys = xrealloc(c->c.keys, c->c.cap * sizeof(*c->c.keys));
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
		container_append(obj, xstrdup(key), stored);
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
	container_append(arr, NULL, stored);
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

/* ----------------------------------------------------------------- parsing */

struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

/* Record the first error only, positioned at p->pos as "line L column C". */
static void __attribute__((format(printf, 2, 3))) perr(struct parser *p, const char *fmt, ...)
{
	size_t line = 1, col = 1, off;
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = true;
	if (!p->err || !p->errlen)
		return;
	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(p->err, p->errlen, "line %zu column %zu: ", line, col);
	off = n < 0 ? 0 : (size_t)n;
	if (off >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + off, p->errlen - off, fmt, ap);
	va_end(ap);
}

/* Describe the byte at the cursor for "unexpected ..." messages. */
static void perr_unexpected(struct parser *p, const char *expected)
{
	unsigned char c;

	if (p->pos >= p->len) {
		perr(p, "unexpected end of input");
		return;
	}
	c = (unsigned char)p->s[p->pos];
	if (c >= 0x20 && c < 0x7f)
		perr(p, "unexpected '%c', expected %s", c, expected);
	else
		perr(p, "unexpected byte 0x%02x, expected %s", c, expected);
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static bool at(struct parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == c;
}

static bool is_digit(struct parser *p)
{
	return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

static struct json *parse_value(struct parser *p);

static struct json *parse_literal(struct parser *p, const char *word, struct json *val)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n)) {
		/* point at the first byte that differs */
		while (p->pos < p->len && *word && p->s[p->pos] == *word) {
			p->pos++;
			word++;
		}
		perr_unexpected(p, "a JSON value");
		json_free(val);
		return NULL;
	}
	p->pos += n;
	return val;
}

/* Integers are converted here by hand so that every u64 is exact; anything
 * with a fraction, an exponent or out of integer range goes to strtod. */
static struct json *parse_number(struct parser *p)
{
	size_t start = p->pos;
	bool neg = false, integral = true, overflow = false;
	uint64_t mag = 0;
	char buf[512];
	double d;

	if (at(p, '-')) {
		neg = true;
		p->pos++;
	}
	if (!is_digit(p)) {
		perr_unexpected(p, "a digit");
		return NULL;
	}
	if (at(p, '0')) {
		p->pos++;
		if (is_digit(p)) {
			perr(p, "leading zeros are not allowed");
			return NULL;
		}
	} else {
		while (is_digit(p)) {
			unsigned int dgt = (unsigned int)(p->s[p->pos] - '0');

			if (mag > (UINT64_MAX - dgt) / 10)
				overflow = true;
			else
				mag = mag * 10 + dgt;
			p->pos++;
		}
	}
	if (at(p, '.')) {
		integral = false;
		p->pos++;
		if (!is_digit(p)) {
			perr_unexpected(p, "a digit after '.'");
			return NULL;
		}
		while (is_digit(p))
			p->pos++;
	}
	if (at(p, 'e') || at(p, 'E')) {
		integral = false;
		p->pos++;
		if (at(p, '+') || at(p, '-'))
			p->pos++;
		if (!is_digit(p)) {
			perr_unexpected(p, "a digit in the exponent");
			return NULL;
		}
		while (is_digit(p))
			p->pos++;
	}
	if (integral && !overflow) {
		if (!neg)
			return json_u64(mag);
		if (mag <= (uint64_t)INT64_MAX + 1)
			return json_i64(mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag);
	}
	if (p->pos - start >= sizeof(buf)) {
		p->pos = start;
		perr(p, "number too long");
		return NULL;
	}
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	d = strtod(buf, NULL);
	if (isinf(d)) {
		p->pos = start;
		perr(p, "number out of range");
		return NULL;
	}
	return json_double(d);
}

struct strbuf {
	char *s;
	size_t n, cap;
};

static void sb_putc(struct strbuf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->s = xrealloc(b->s, b->cap);
	}
	b->s[b->n++] = c;
}

static void sb_put_utf8(struct strbuf *b, uint32_t cp)
{
	if (cp < 0x80) {
		sb_putc(b, (char)cp);
	} else if (cp < 0x800) {
		sb_putc(b, (char)(0xc0 | (cp >> 6)));
		sb_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_putc(b, (char)(0xe0 | (cp >> 12)));
		sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_putc(b, (char)(0xf0 | (cp >> 18)));
		sb_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Four hex digits after "\u"; -1 (error recorded) if malformed. */
static int32_t parse_hex4(struct parser *p)
{
	int32_t v = 0;

	for (int k = 0; k < 4; k++, p->pos++) {
		char c = p->pos < p->len ? p->s[p->pos] : '\0';

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else {
			perr_unexpected(p, "a hex digit in \\u escape");
			return -1;
		}
	}
	return v;
}

/* "\uXXXX" (cursor after the 'u'), joining a surrogate pair into one code point. */
static bool parse_unicode_escape(struct parser *p, struct strbuf *b)
{
	size_t esc = p->pos - 2;
	int32_t cp = parse_hex4(p), lo;

	if (cp < 0)
		return false;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		p->pos = esc;
		perr(p, "lone low surrogate \\u%04x", (unsigned int)cp);
		return false;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
			p->pos = esc;
			perr(p, "high surrogate \\u%04x not followed by a low surrogate", (unsigned int)cp);
			return false;
		}
		p->pos += 2;
		lo = parse_hex4(p);
		if (lo < 0)
			return false;
		if (lo < 0xdc00 || lo > 0xdfff) {
			p->pos = esc;
			perr(p, "high surrogate \\u%04x not followed by a low surrogate", (unsigned int)cp);
			return false;
		}
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0) {
		p->pos = esc;
		perr(p, "\\u0000 is not supported (strings are NUL-terminated)");
		return false;
	}
	sb_put_utf8(b, (uint32_t)cp);
	return true;
}

/* Length of the valid UTF-8 sequence at the cursor (RFC 3629: no overlongs,
 * no surrogates, at most U+10FFFF), 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A string literal (cursor on the opening quote); returns the decoded bytes. */
static char *parse_string_raw(struct parser *p)
{
	struct strbuf b = { 0 };

	p->pos++; /* opening quote */
	for (;;) {
		unsigned char c;
		size_t n;

		if (p->pos >= p->len) {
			perr(p, "unexpected end of input in string");
			goto fail;
		}
		c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			perr(p, "control character 0x%02x in string (must be escaped)", c);
			goto fail;
		}
		if (c != '\\') {
			n = utf8_seq_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
			if (!n) {
				perr(p, "invalid UTF-8 in string");
				goto fail;
			}
			for (size_t k = 0; k < n; k++)
				sb_putc(&b, p->s[p->pos++]);
			continue;
		}
		p->pos++;
		c = p->pos < p->len ? (unsigned char)p->s[p->pos] : 0;
		p->pos++;
		switch (c) {
		case '"': sb_putc(&b, '"'); break;
		case '\\': sb_putc(&b, '\\'); break;
		case '/': sb_putc(&b, '/'); break;
		case 'b': sb_putc(&b, '\b'); break;
		case 'f': sb_putc(&b, '\f'); break;
		case 'n': sb_putc(&b, '\n'); break;
		case 'r': sb_putc(&b, '\r'); break;
		case 't': sb_putc(&b, '\t'); break;
		case 'u':
			if (!parse_unicode_escape(p, &b))
				goto fail;
			break;
		default:
			p->pos--;
			if (p->pos >= p->len)
				perr(p, "unexpected end of input in string");
			else
				perr(p, "invalid escape '\\%c'", c >= 0x20 && c < 0x7f ? c : '?');
			goto fail;
		}
	}
	sb_putc(&b, '\0');
	return b.s;
fail:
	free(b.s);
	return NULL;
}

/* Shared by arrays and objects: '[' / '{', comma-separated members, closer. */
static struct json *parse_container(struct parser *p, enum json_type t)
{
	char close = t == JSON_ARRAY ? ']' : '}';
	struct json *c = node(t);

	if (++p->depth > JSON_MAX_DEPTH) {
		perr(p, "nesting deeper than %d levels", JSON_MAX_DEPTH);
		goto fail;
	}
	p->pos++;
	skip_ws(p);
	if (at(p, close)) {
		p->pos++;
		p->depth--;
		return c;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(p);
		if (t == JSON_OBJECT) {
			if (!at(p, '"')) {
				perr_unexpected(p, "a string key");
				goto fail;
			}
			key = parse_string_raw(p);
			if (!key)
				goto fail;
			skip_ws(p);
			if (!at(p, ':')) {
				free(key);
				perr_unexpected(p, "':'");
				goto fail;
			}
			p->pos++;
		}
		v = parse_value(p);
		if (!v) {
			free(key);
			goto fail;
		}
		if (key) {
			/* duplicate keys: the last one wins, as with json_set */
			json_set(c, key, v);
			free(key);
		} else {
			container_append(c, NULL, v);
		}
		skip_ws(p);
		if (at(p, ',')) {
			p->pos++;
			continue;
		}
		if (at(p, close)) {
			p->pos++;
			break;
		}
		perr_unexpected(p, t == JSON_ARRAY ? "',' or ']'" : "',' or '}'");
		goto fail;
	}
	p->depth--;
	return c;
fail:
	json_free(c);
	return NULL;
}

static struct json *parse_value(struct parser *p)
{
	char c;

	skip_ws(p);
	if (p->pos >= p->len) {
		perr(p, "unexpected end of input");
		return NULL;
	}
	c = p->s[p->pos];
	switch (c) {
	case '{':
		return parse_container(p, JSON_OBJECT);
	case '[':
		return parse_container(p, JSON_ARRAY);
	case '"': {
		char *s = parse_string_raw(p);

		return s ? string_take(s) : NULL;
	}
	case 't':
		return parse_literal(p, "true", json_bool(true));
	case 'f':
		return parse_literal(p, "false", json_bool(false));
	case 'n':
		return parse_literal(p, "null", json_null());
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return parse_number(p);
		perr_unexpected(p, "a JSON value");
		return NULL;
	}
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser p = { .s = text, .len = len, .err = err, .errlen = errlen };
	struct json *j;

	if (err && errlen)
		err[0] = '\0';
	/* a UTF-8 byte order mark is tolerated (RFC 8259 section 8.1) */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		p.pos = 3;
	j = parse_value(&p);
	if (!j)
		return NULL;
	skip_ws(&p);
	if (p.pos < p.len) {
		perr_unexpected(&p, "end of input after the document");
		json_free(j);
		return NULL;
	}
	return j;
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
			buf = xrealloc(buf, cap);
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

/* ---------------------------------------------------------------- writing */

static void write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*c < 0x20)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}

/* Shortest of %.15g..%.17g that reads back to the same double; ".0" added
 * when it looks like an integer so the reader keeps it a double. */
static void write_double(FILE *f, double d)
{
	char buf[40];

	if (!isfinite(d)) {
		fputs("null", f);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (!strpbrk(buf, ".eE"))
		strcat(buf, ".0");
	fputs(buf, f);
}

static bool is_scalar(const struct json *j)
{
	return j->type != JSON_ARRAY && j->type != JSON_OBJECT;
}

static void indent(FILE *f, int level)
{
	fputc('\n', f);
	for (int i = 0; i < level; i++)
		fputs("  ", f);
}

static void write_value(FILE *f, const struct json *j, bool pretty, int level)
{
	bool inline_items = true;

	switch (j->type) {
	case JSON_NULL: fputs("null", f); return;
	case JSON_BOOL: fputs(j->b ? "true" : "false", f); return;
	case JSON_U64: fprintf(f, "%llu", (unsigned long long)j->u); return;
	case JSON_I64: fprintf(f, "%lld", (long long)j->i); return;
	case JSON_DOUBLE: write_double(f, j->d); return;
	case JSON_STRING: write_string(f, j->s); return;
	case JSON_ARRAY:
	case JSON_OBJECT:
		break;
	}
	/* pretty: arrays of scalars (histogram buckets, per-CPU counts) stay on
	 * one line; everything else gets one member per line */
	if (j->type == JSON_OBJECT)
		inline_items = false;
	for (size_t i = 0; inline_items && i < j->c.n; i++)
		inline_items = is_scalar(j->c.vals[i]);
	fputc(j->type == JSON_ARRAY ? '[' : '{', f);
	for (size_t i = 0; i < j->c.n; i++) {
		if (i)
			fputs(pretty && inline_items ? ", " : ",", f);
		if (pretty && !inline_items)
			indent(f, level + 1);
		if (j->type == JSON_OBJECT) {
			write_string(f, j->c.keys[i]);
			fputs(pretty ? ": " : ":", f);
		}
		write_value(f, j->c.vals[i], pretty, level + 1);
	}
	if (pretty && !inline_items && j->c.n)
		indent(f, level);
	fputc(j->type == JSON_ARRAY ? ']' : '}', f);
}

int json_write(FILE *f, const struct json *j, bool pretty)
{
	if (!j)
		fputs("null", f);
	else
		write_value(f, j, pretty, 0);
	if (pretty)
		fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

/* Durability of the rename itself: best effort, a failure here is not data loss. */
static void fsync_parent_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

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
