// SPDX-License-Identifier: GPL-2.0
/*
 * json_write.c - the writer of json.h (json_write, json_write_file_atomic): doubles with the
 * fewest digits that read back bit-exact, NaN/inf as null, files replaced whole (temp + rename).
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
	char *dir = json_xstrdup(path), *slash = strrchr(dir, '/');
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
