// SPDX-License-Identifier: GPL-2.0
/* cli.c - shared error printing and option-value parsers (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "procfs.h"

const char *lt_prog = "lazytlb";
bool lt_verbose;

int lt_err(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", lt_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void lt_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", lt_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool lt_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool lt_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v != v)
		return false;
	*out = v;
	return true;
}

bool lt_parse_cpulist(const char *s, uint64_t *mask, unsigned int nbits)
{
	const char *p = s;

	memset(mask, 0, (nbits + 63) / 64 * sizeof(uint64_t));
	if (!s)
		return false;
	while (*p == ' ' || *p == '\n')
		p++;
	if (!*p)
		return true; /* empty list */
	for (;;) {
		char *end;
		unsigned long a, b;

		if (*p < '0' || *p > '9')
			return false;
		a = strtoul(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (a > b || b >= nbits)
			return false;
		for (unsigned long c = a; c <= b; c++)
			mask[c / 64] |= 1ULL << (c % 64);
		if (*p == ',') {
			p++;
			continue;
		}
		while (*p == '\n' || *p == ' ')
			p++;
		return *p == '\0';
	}
}

void lt_format_cpulist(const uint64_t *mask, unsigned int nbits, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int c = 0; c < nbits; c++) {
		unsigned int e = c;

		if (!(mask[c / 64] & (1ULL << (c % 64))))
			continue;
		while (e + 1 < nbits && (mask[(e + 1) / 64] & (1ULL << ((e + 1) % 64))))
			e++;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%u", off ? "," : "", c);
		if (e > c)
			off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "-%u", e);
		c = e;
	}
}

int lt_output_writable(const char *file)
{
	const char *slash = strrchr(file, '/');
	char dir[4096];

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == file)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	return access(dir, W_OK | X_OK) ? errno : 0;
}

int lt_cpulist_arg(const char *s, uint64_t *mask, unsigned int nbits, char *err, size_t errlen)
{
	static uint64_t online[LT_SYS_MAX_CPUS / 64];
	static char buf[65536];
	FILE *f;

	if (!s || !*s) {
		snprintf(err, errlen, "empty CPU list (expected e.g. 0-3,6)");
		return -1;
	}
	if (!lt_parse_cpulist(s, mask, nbits)) {
		snprintf(err, errlen, "bad CPU list '%s' (expected e.g. 0-3,6, CPUs below %u)", s, nbits);
		return -1;
	}
	f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f)
		return 0; /* cannot tell: the kernel will */
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	if (!lt_parse_cpulist(buf, online, LT_SYS_MAX_CPUS))
		return 0;
	for (unsigned int c = 0; c < nbits && c < LT_SYS_MAX_CPUS; c++)
		if ((mask[c / 64] >> (c % 64) & 1) && !(online[c / 64] >> (c % 64) & 1)) {
			snprintf(err, errlen, "CPU %u in '%s' is not online (online: %s)", c, s, buf);
			return -1;
		}
	return 0;
}

int lt_btf_file_arg(const char *path, char *err, size_t errlen)
{
	struct btf *b;

	if (access(path, R_OK)) {
		snprintf(err, errlen, "cannot read BTF file '%s': %s", path, strerror(errno));
		return -1;
	}
	/* quietly: libbpf's own line ("failed to get EHDR") would make the error two lines */
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	b = btf__parse(path, NULL);
	libbpf_set_print(old);
	if (!b) {
		snprintf(err, errlen, "'%s' is not BTF (neither raw BTF nor an ELF with a .BTF section)", path);
		return -1;
	}
	btf__free(b);
	return 0;
}
