// SPDX-License-Identifier: GPL-2.0
/*
 * json_parse.c - the strict RFC 8259 reader of json.h (json_parse, json_parse_file): see json.c
 * for the choices (exact integers, order kept, no NUL in strings); depth is limited to
 * JSON_MAX_DEPTH so that a hostile file cannot exhaust the stack.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "json_int.h"

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
		b->s = json_xrealloc(b->s, b->cap);
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
	struct json *c = json_node(t);

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
			json_container_append(c, NULL, v);
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

		return s ? json_string_take(s) : NULL;
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
			buf = json_xrealloc(buf, cap);
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
