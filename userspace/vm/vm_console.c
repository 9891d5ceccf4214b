// SPDX-License-Identifier: GPL-2.0
/*
 * vm_console.c - the guest's console (vm.h): the result files vm/init prints between its
 * markers (base64), the panic, lockup and WARNING lines, and which panics are TCG's.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/cli.h"
#include "vm.h"

/* ---- base64 (RFC 4648), whitespace ignored ---- */
static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

struct b64 {
	unsigned int acc, bits;
	bool bad;
};

static void b64_feed(struct b64 *st, const char *s, FILE *out, size_t *nout)
{
	for (; *s; s++) {
		int v;

		if (isspace((unsigned char)*s) || *s == '=')
			continue;
		v = b64val((unsigned char)*s);
		if (v < 0) {
			st->bad = true;
			continue;
		}
		st->acc = (st->acc << 6) | (unsigned int)v;
		st->bits += 6;
		if (st->bits >= 8) {
			st->bits -= 8;
			fputc((int)((st->acc >> st->bits) & 0xff), out);
			(*nout)++;
		}
	}
}

/* ---- the console log ---- */

/* A kernel lockup report: an RCU stall, a soft lockup, a CSD lock stuck waiting for the IPI it
 * sent. Seen once in CI and once here (debian-6.1-amd64 tlbflush, 1 run in ~40): the guest went on
 * printing stall reports, with CPU 0 idle, until the 300 s timeout. */
const char *vm_stall_line(const char *buf, size_t len)
{
	static const char *const pats[] = { "detected stall", "BUG: soft lockup", "non-responsive CSD lock" };

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		const char *p = memmem(buf, len, pats[i], strlen(pats[i]));

		if (p)
			return p;
	}
	return NULL;
}

bool vm_safe_relpath(const char *p)
{
	if (!*p || *p == '/' || strstr(p, "//"))
		return false;
	for (const char *s = p; s; s = strchr(s, '/')) {
		if (*s == '/')
			s++;
		if (!strncmp(s, "..", 2) && (s[2] == '/' || !s[2]))
			return false;
	}
	return true;
}

/* The oops header of older x86, without "Oops: ": "STR: ERR [#N]" (6.1: "int3: 0000 [#1] SMP
 * NOPTI"; 6.12 and 7.2 print "Oops: int3: ...", arch/x86/kernel/dumpstack.c __die_header) */
static bool bare_oops_header(const char *r)
{
	const char *h = strstr(r, ": ");

	if (!h || h == r)
		return false;
	h += 2;
	for (int i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)h[i]))
			return false;
	return !strncmp(h + 4, " [#", 3);
}

/*
 * A kernel panic or oops report in a console line, or NULL: "Kernel panic - not syncing: ...",
 * or the oops header ("Oops: int3: 0000 [#1] ..." on x86 6.12-7.2 and powerpc, "int3: 0000 [#1]"
 * on older x86). The record may start mid-line: the serial port interleaves the kernel's
 * console writes with the guest's userspace output (a CI verdict of a nohz-full-victim run
 * named only the "Fatal exception in interrupt" panic: the oops before it was not found at
 * a line's start). So it is looked for at the line's start and after each printk
 * timestamp ("[   12.345678] ") in it. Returns where the record starts.
 */
static const char *panic_in(const char *line)
{
	for (const char *s = line; s; s = strchr(s + 1, '[')) {
		const char *r = s, *e;

		if (*s == '[' && (e = strchr(s, ']')))
			for (r = e + 1; *r == ' '; r++)
				;
		if (!strncmp(r, "Kernel panic", 12) || !strncmp(r, "Oops: ", 6) || bare_oops_header(r))
			return s; /* with its timestamp: when it happened */
		if (!*s)
			break;
	}
	return strstr(line, "Kernel panic - not syncing");
}

/* Is this panic an artifact of TCG rather than of the kernel or the run? Then `vm run` boots again.
 *  - a panic before /init ran: nothing of ours had run yet (seen once in a CI run: debian-6.12-amd64
 *    "Oops: int3" at 1.4 s of boot);
 *  - x86 "Oops: int3": an int3 the kernel does not know. x86 patches its text live (jump labels,
 *    static calls, ftrace, kprobes, BPF trampolines) by writing an int3 first and removing it after an
 *    IPI to every CPU; multi-threaded TCG can keep running a translation of the page made while the
 *    int3 was there (a vCPU translating while another writes), so after the kernel dropped the
 *    breakpoint the guest traps on it. Seen in CI at 16.3 s of a nohz-full-victim run, when the
 *    collector detached. Real CPUs and KVM cannot do that.
 * Returns why, or NULL for a panic that is the verdict. */
const char *vm_tcg_artifact(const struct outcome *o)
{
	if (!o->guest_init_s && !o->begin)
		return "before /init";
	if (strstr(o->panic, "int3: ")) /* "Oops: int3: 0000 [#1]"; 6.1 "int3: 0000 [#1]" */
		return "x86 int3 of a text patch, a multi-threaded TCG artifact";
	/* the same race caught one step later: a call whose bytes another vCPU was rewriting ran
	 * from a stale translation and jumped to 0 (instruction fetch, not present: error code
	 * 0010). Seen at 2 vCPUs in CI under load and at 96 vCPUs (from __schedule) when `record`
	 * attached; a kernel's own call through a NULL pointer would oops again on the next boot. */
	if (strstr(o->panic, "Oops: 0010 ") && !strncmp(o->panic_rip, "RIP: 0010:0x0", 13) &&
	    strspn(o->panic_rip + 13, " \r\n") == strlen(o->panic_rip + 13))
		return "x86 call to 0 while its text was patched, a multi-threaded TCG artifact";
	return NULL;
}

/* Ends a file decoded from the console into PART (PATH.part): renamed to PATH when whole, else removed. */
static void close_part(FILE **out, const char *part, const char *path, bool whole)
{
	if (!*out)
		return;
	if (fclose(*out))
		whole = false;
	*out = NULL;
	if (!whole || rename(part, path))
		unlink(part);
}

void vm_parse_console(const char *log, const char *dir, struct outcome *o)
{
	FILE *f = fopen(log, "r"), *out = NULL;
	char *line = NULL, path[PATH_MAX + 512], part[PATH_MAX + 520], name[512];
	size_t cap = 0, nout = 0, want = 0;
	struct b64 st = { 0 };
	const char *p;
	ssize_t n;

	o->guest_rc = -1;
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) >= 0) {
		line[strcspn(line, "\r\n")] = 0;
		if (*line)
			vm_snprintf(o->last, sizeof(o->last), "%s", line);
		/* a WARN()/WARN_ON() splat: "WARNING: CPU: 1 PID: 72 at kernel/fork.c:943 __mmdrop+0x..." */
		const char *warn = strstr(line, "WARNING: CPU: ");
		if (warn && !o->warnings++)
			vm_snprintf(o->warning, sizeof(o->warning), "%s", warn);
		if (o->begin && !o->end) {
			if (!strncmp(line, MARK_FILE, strlen(MARK_FILE)) || !strncmp(line, MARK_RC, strlen(MARK_RC)) ||
			    !strcmp(line, MARK_END)) {
				if (out) {
					bool whole = nout == want && !st.bad;

					if (!whole)
						vm_snprintf(o->bad, sizeof(o->bad), "%s: %zu bytes decoded, %zu expected%s",
							 name, nout, want, st.bad ? " (corrupt base64)" : "");
					close_part(&out, part, path, whole);
				}
			}
			if (!strncmp(line, MARK_FILE, strlen(MARK_FILE))) {
				char *s = line + strlen(MARK_FILE), *sp = strrchr(s, ' '), *tail;
				if (!sp || !(tail = strstr(sp, MARK_TAIL))) {
					vm_snprintf(o->bad, sizeof(o->bad), "bad file marker '%.200s'", line);
					continue;
				}
				*sp = 0;
				*tail = 0;
				vm_snprintf(name, sizeof(name), "%s", s);
				want = strtoull(sp + 1, NULL, 10);
				if (!vm_safe_relpath(name)) {
					vm_snprintf(o->bad, sizeof(o->bad), "unsafe file name '%.200s'", name);
					continue;
				}
				vm_snprintf(path, sizeof(path), "%s/%s", dir, name);
				char *slash = strrchr(path, '/');
				*slash = 0;
				vm_mkdir_p(path);
				*slash = '/';
				/* decoded into NAME.part, renamed once whole: a panic or a damaged block
				 * in the middle of a file leaves no half-written result behind */
				vm_snprintf(part, sizeof(part), "%s.part", path);
				out = fopen(part, "wb");
				if (!out) {
					vm_snprintf(o->bad, sizeof(o->bad), "%s: %s", part, strerror(errno));
					continue;
				}
				memset(&st, 0, sizeof(st));
				nout = 0;
				o->nfiles++;
			} else if (!strncmp(line, MARK_RC, strlen(MARK_RC))) {
				o->guest_rc = atoi(line + strlen(MARK_RC));
			} else if (!strcmp(line, MARK_END)) {
				o->end = true;
			} else if ((p = panic_in(line))) {
				/* never base64 (spaces): a panic while a file prints, not data */
				if (!*o->panic)
					vm_snprintf(o->panic, sizeof(o->panic), "%s", p);
				if (out)
					st.bad = true;
			} else if (out) {
				b64_feed(&st, line, out, &nout);
			}
			continue;
		}
		if (!strcmp(line, MARK_BEGIN)) {
			o->begin = true;
			continue;
		}
		if (!strncmp(line, INIT_MARK, strlen(INIT_MARK)))
			o->guest_init_s = atof(line + strlen(INIT_MARK));
		else if (!strncmp(line, GUEST_MARK, strlen(GUEST_MARK)))
			; /* our own progress lines */
		else if (*line && line[0] != '[' && !o->begin)
			vm_snprintf(o->last_cmd_line, sizeof(o->last_cmd_line), "%s", line);
		if (!*o->panic && (p = panic_in(line)))
			vm_snprintf(o->panic, sizeof(o->panic), "%s", p);
		else if (*o->panic && !*o->panic_rip && (p = strstr(line, "RIP: ")))
			vm_snprintf(o->panic_rip, sizeof(o->panic_rip), "%s", p);
		if (!*o->stall && strncmp(line, GUEST_MARK, strlen(GUEST_MARK)) && vm_stall_line(line, strlen(line)))
			vm_snprintf(o->stall, sizeof(o->stall), "%s", line);
	}
	close_part(&out, part, path, false); /* the console ended inside a file */
	free(line);
	fclose(f);
}
