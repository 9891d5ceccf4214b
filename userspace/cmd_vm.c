// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vm.c - `lazytlb vm`: boot a kernel of the qemu matrix (kernels-config/NAME.kcfg, format
 * in kernels-config/README.md), run a scenario (or any guest command) in it and bring the guest's
 * result files back to the host.
 *
 *   lazytlb vm list
 *   lazytlb vm run KERNEL SCENARIO [-o DIR] [--nohz-full] [--timeout S] [-v] [-- RUN-OPTIONS]
 *   lazytlb vm run KERNEL --cmd CMD [-o DIR] [--nohz-full] [--timeout S] [-v]
 *
 * Image preparation is left to the scripts (vm/fetch.sh downloads the kernel, vm/initramfs.sh
 * builds the per-arch initramfs with busybox + the static lazytlb + vm/init); this file adds a
 * tiny uncompressed cpio in front of that initramfs carrying /lazytlb.env (the command), the
 * kernel's config and the detached BTF if any, runs qemu with fork/exec under a timeout, keeps the whole console in
 * DIR/console.log, and decodes the files that vm/init prints between the result markers.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

#define MARK_BEGIN "=====LAZYTLB-RESULT-BEGIN====="
#define MARK_END "=====LAZYTLB-RESULT-END====="
#define MARK_FILE "=====LAZYTLB-FILE "
#define MARK_RC "=====LAZYTLB-RC "
#define MARK_TAIL "====="

/* snprintf that truncates quietly (paths and messages here are bounded, truncation is harmless) */
static int bsnprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bsnprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

#include "kcfg.h"

static char root_dir[PATH_MAX]; /* the source tree: kernels-config/, vm/, cache/ */

#define kget kcfg_get
static void *slurp(const char *path, size_t *size);

static int kcfg_load(const char *name, struct kcfg *k)
{
	char path[PATH_MAX], err[256];
	size_t len;
	char *text;

	bsnprintf(path, sizeof(path), "%s/kernels-config/%s.kcfg", root_dir, name);
	text = slurp(path, &len);
	if (!text)
		return lt_err(LT_EXIT_USAGE, "unknown kernel '%s': no %s (lazytlb vm list)", name, path);
	if (kcfg_parse(text, len, name, k, err, sizeof(err))) {
		free(text);
		return lt_err(LT_EXIT_USAGE, "%s:%s%s", path, isdigit((unsigned char)err[0]) ? "" : " ", err);
	}
	free(text);
	return 0;
}

/* ---- the tree: $LAZYTLB_ROOT, else the binary's ../, else the current directory ---- */
static int has_kcfg_dir(const char *dir)
{
	char p[PATH_MAX + 32];
	struct stat st;

	bsnprintf(p, sizeof(p), "%s/kernels-config", dir);
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static int find_root(void)
{
	const char *env = getenv("LAZYTLB_ROOT");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		bsnprintf(root_dir, sizeof(root_dir), "%s", env);
		if (has_kcfg_dir(root_dir))
			return 0;
		return lt_err(LT_EXIT_FAIL, "LAZYTLB_ROOT=%s has no kernels-config/", env);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		for (int up = 0; up < 2; up++) { /* build/lazytlb -> build -> tree */
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = 0;
		}
		if (*exe && has_kcfg_dir(exe)) {
			bsnprintf(root_dir, sizeof(root_dir), "%s", exe);
			return 0;
		}
	}
	if (getcwd(root_dir, sizeof(root_dir)) && has_kcfg_dir(root_dir))
		return 0;
	return lt_err(LT_EXIT_FAIL, "cannot find the lazytlb tree (kernels-config/): set LAZYTLB_ROOT");
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool exists(const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	return access(p, F_OK) == 0;
}

static void read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\r\n")] = 0;
	fclose(f);
}

static const char *btf_kind(const struct kcfg *k)
{
	const char *b = kget(k, "btf");

	return strncmp(b, "detached:", 9) ? "sysfs" : "detached";
}

/* ---- `vm list` ---- */
static int kcfg_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int vm_list(void)
{
	char path[PATH_MAX + 32], *names[256];
	struct dirent *de;
	size_t nn = 0;
	DIR *d;

	bsnprintf(path, sizeof(path), "%s/kernels-config", root_dir);
	d = opendir(path);
	if (!d)
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)) && nn < 256) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".kcfg"))
			names[nn++] = strndup(de->d_name, l - 5);
	}
	closedir(d);
	qsort(names, nn, sizeof(names[0]), kcfg_name_cmp);
	int w = 6;
	for (size_t i = 0; i < nn; i++)
		w = strlen(names[i]) > (size_t)w ? (int)strlen(names[i]) : w;
	printf("%-*s %-8s %-10s %-9s %s\n", w, "KERNEL", "ARCH", "SCHEME", "BTF", "CACHE (cache/kernels/KERNEL)");
	for (size_t i = 0; i < nn; i++) {
		struct kcfg k;
		char rel[128], state[512], btf[64];

		if (kcfg_load(names[i], &k)) {
			free(names[i]);
			continue;
		}
		bsnprintf(path, sizeof(path), "%s/cache/kernels/%s/release", root_dir, k.name);
		read_first_line(path, rel, sizeof(rel));
		if (exists("%s/cache/kernels/%s/kernel", root_dir, k.name) && *rel)
			bsnprintf(state, sizeof(state), "prepared (%s)", rel);
		else if (!strncmp(kget(&k, "source"), "custom:", 7))
			bsnprintf(state, sizeof(state), "not built (custom kernel %s: vm/build-custom.sh %s, or make custom-kernels)",
				  kget(&k, "source") + 7, k.name);
		else
			bsnprintf(state, sizeof(state), "not prepared (vm/fetch.sh %s, or make vm-prepare)", k.name);
		bsnprintf(btf, sizeof(btf), "%s", btf_kind(&k));
		if (!strcmp(btf, "detached")) {
			bool have = exists("%s/cache/kernels/%s/vmlinux.btf", root_dir, k.name);
			bsnprintf(btf, sizeof(btf), "%s", have ? "detached" : "detached-");
			if (!have)
				bsnprintf(state + strlen(state), sizeof(state) - strlen(state),
					 "; no BTF yet (vm/fetch.sh %s --btf)", k.name);
		}
		printf("%-*s %-8s %-10s %-9s %s\n", w, k.name, kget(&k, "arch"), kget(&k, "lazy_scheme"), btf, state);
		free(names[i]);
	}
	static const char *const arches[] = { "x86_64", "ppc64le" };
	for (size_t i = 0; i < 2; i++) {
		char man[PATH_MAX + 64], lt[256] = "";
		FILE *f;

		bsnprintf(man, sizeof(man), "%s/cache/initramfs/%s.cpio.gz.manifest", root_dir, arches[i]);
		f = fopen(man, "r");
		if (!f) {
			printf("initramfs %-8s not built (vm/initramfs.sh %s, or make vm-initramfs)\n", arches[i], arches[i]);
			continue;
		}
		while (fgets(lt, sizeof(lt), f))
			if (!strncmp(lt, "lazytlb: ", 9))
				break;
		fclose(f);
		lt[strcspn(lt, "\n")] = 0;
		printf("initramfs %-8s built, %s\n", arches[i],
		       !strcmp(lt, "lazytlb: none") ? "without lazytlb (--cmd only; make static-ARCH vm-initramfs)" : lt);
	}
	return LT_EXIT_OK;
}

/* ---- processes: fork/exec, never system() ---- */
static int run_wait(char *const argv[])
{
	int status;
	pid_t pid;

	if (lt_verbose) {
		fprintf(stderr, "+");
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(root_dir))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", lt_prog, argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	size_t l;

	bsnprintf(p, sizeof(p), "%s", dir);
	l = strlen(p);
	for (size_t i = 1; i <= l; i++) {
		if (p[i] != '/' && p[i] != 0)
			continue;
		char c = p[i];
		p[i] = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		p[i] = c;
	}
	return 0;
}

/* ---- a newc cpio (the format the kernel unpacks into its rootfs) ---- */
static int cpio_pad(FILE *f, long n)
{
	static const char z[4];

	return fwrite(z, 1, (size_t)((4 - n % 4) % 4), f) == (size_t)((4 - n % 4) % 4) ? 0 : -1;
}

static int cpio_entry(FILE *f, const char *name, unsigned int mode, const void *data, size_t size)
{
	static unsigned int ino = 1000;
	size_t nlen = strlen(name) + 1;

	if (fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino++, mode, 0u, 0u,
		    (mode & S_IFDIR) ? 2u : 1u, 0u, size, 0u, 0u, 0u, 0u, nlen, 0u) != 110)
		return -1;
	if (fwrite(name, 1, nlen, f) != nlen || cpio_pad(f, 110 + (long)nlen))
		return -1;
	if (size && fwrite(data, 1, size, f) != size)
		return -1;
	return cpio_pad(f, (long)size);
}

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 65536 > cap) {
			char *nb = realloc(buf, cap = (cap ? cap * 2 : 1 << 20));
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*size = n;
	return buf;
}

/* single-quote for sh: a'b -> 'a'\''b' */
static void sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* initrd = [newc: /lazytlb.env, /boot/config-RELEASE, /boot/vmlinux.btf] + the per-arch initramfs
 * (gzip); the kernel unpacks concatenated archives in order, the uncompressed one first as with
 * early microcode. The config lets the collector read the lazy-TLB scheme from it (the Debian
 * kernels have no /proc/config.gz). */
static int write_initrd(const char *path, const char *base, const char *env, size_t envlen, const char *btf,
			const char *config, const char *release)
{
	void *basebuf, *btfbuf = NULL, *cfgbuf = NULL;
	size_t basesz, btfsz = 0, cfgsz = 0;
	char cfgname[256];
	FILE *f;
	int err = 0;

	basebuf = slurp(base, &basesz);
	if (!basebuf)
		return lt_err(LT_EXIT_FAIL, "%s: %s", base, strerror(errno));
	if (btf && !(btfbuf = slurp(btf, &btfsz))) {
		free(basebuf);
		return lt_err(LT_EXIT_FAIL, "%s: %s", btf, strerror(errno));
	}
	if (*release)
		cfgbuf = slurp(config, &cfgsz); /* optional */
	f = fopen(path, "wb");
	if (!f) {
		free(basebuf);
		free(btfbuf);
		free(cfgbuf);
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
	err |= cpio_entry(f, "lazytlb.env", S_IFREG | 0644, env, envlen);
	if (btfbuf || cfgbuf)
		err |= cpio_entry(f, "boot", S_IFDIR | 0755, NULL, 0);
	if (btfbuf)
		err |= cpio_entry(f, "boot/vmlinux.btf", S_IFREG | 0644, btfbuf, btfsz);
	if (cfgbuf) {
		bsnprintf(cfgname, sizeof(cfgname), "boot/config-%s", release);
		err |= cpio_entry(f, cfgname, S_IFREG | 0644, cfgbuf, cfgsz);
	}
	err |= cpio_entry(f, "TRAILER!!!", 0, NULL, 0);
	while (!err && ftell(f) % 512) /* pad the archive like cpio does */
		err |= fputc(0, f) == EOF;
	err |= fwrite(basebuf, 1, basesz, f) != basesz;
	err |= fclose(f) != 0;
	free(basebuf);
	free(btfbuf);
	free(cfgbuf);
	return err ? lt_err(LT_EXIT_FAIL, "%s: write failed", path) : 0;
}

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
struct outcome {
	char panic[512];    /* first "Kernel panic"/"Oops" line */
	bool begin, end;    /* result markers seen */
	int guest_rc;       /* from LAZYTLB-RC, -1 if absent */
	int nfiles;
	char bad[512];      /* a malformed result block, why */
	double guest_init_s;/* uptime when /init started */
	char last_cmd_line[512];
	int warnings;       /* kernel "WARNING: CPU: ..." splats */
	char warning[512];  /* the first one */
	char last[512];     /* the last non-empty console line, for a hang or timeout verdict */
	char stall[512];    /* the first lockup report (see stall_line) */
};

/* A kernel lockup report: an RCU stall, a soft lockup, a CSD lock stuck waiting for the IPI it
 * sent. Seen once in CI and once here (debian-6.1-amd64 tlbflush, 1 run in ~40): the guest went on
 * printing stall reports, with CPU 0 idle, until the 300 s timeout. */
static const char *stall_line(const char *buf, size_t len)
{
	static const char *const pats[] = { "detected stall", "BUG: soft lockup", "non-responsive CSD lock" };

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		const char *p = memmem(buf, len, pats[i], strlen(pats[i]));

		if (p)
			return p;
	}
	return NULL;
}
/* after a lockup report, how long to keep reading the console (the rest of the report) */
#define VM_STALL_GRACE_S 5
/* bytes of the last read kept to scan with the next: longer than INIT_MARK and stall_line's patterns */
#define VM_SCAN_OVERLAP 64

static bool safe_relpath(const char *p)
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

static bool is_panic_line(const char *line)
{
	const char *s = line;

	if (*s == '[') { /* "[   12.345678] " printk time */
		const char *e = strchr(s, ']');
		if (e)
			s = e + 1;
		while (*s == ' ')
			s++;
	}
	return !strncmp(s, "Kernel panic", 12) || !strncmp(s, "Oops", 4) ||
	       strstr(line, "Kernel panic - not syncing");
}

/* Boots of one run: the first and up to two more after a panic that is qemu's, not the run's. */
#define VM_MAX_BOOTS 3
/* Default --boot-timeout: a boot that has not reached /init by then hung (seen once under TCG: stuck at 1.3 s, unpacking
 * the initramfs); boots reach it in 2-4 s here, 10 s on a loaded machine. */
#define VM_INIT_DEADLINE_S 60
#define GUEST_MARK "LAZYTLB-GUEST: " /* vm/init's own lines */
#define INIT_MARK GUEST_MARK "init at "

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
static const char *tcg_artifact(const struct outcome *o)
{
	if (!o->guest_init_s && !o->begin)
		return "before /init";
	if (strstr(o->panic, "Oops: int3"))
		return "x86 int3 of a text patch, a multi-threaded TCG artifact";
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

static void parse_console(const char *log, const char *dir, struct outcome *o)
{
	FILE *f = fopen(log, "r"), *out = NULL;
	char *line = NULL, path[PATH_MAX + 512], part[PATH_MAX + 520], name[512];
	size_t cap = 0, nout = 0, want = 0;
	struct b64 st = { 0 };
	ssize_t n;

	o->guest_rc = -1;
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) >= 0) {
		line[strcspn(line, "\r\n")] = 0;
		if (*line)
			bsnprintf(o->last, sizeof(o->last), "%s", line);
		/* a WARN()/WARN_ON() splat: "WARNING: CPU: 1 PID: 72 at kernel/fork.c:943 __mmdrop+0x..." */
		const char *warn = strstr(line, "WARNING: CPU: ");
		if (warn && !o->warnings++)
			bsnprintf(o->warning, sizeof(o->warning), "%s", warn);
		if (o->begin && !o->end) {
			if (!strncmp(line, MARK_FILE, strlen(MARK_FILE)) || !strncmp(line, MARK_RC, strlen(MARK_RC)) ||
			    !strcmp(line, MARK_END)) {
				if (out) {
					bool whole = nout == want && !st.bad;

					if (!whole)
						bsnprintf(o->bad, sizeof(o->bad), "%s: %zu bytes decoded, %zu expected%s",
							 name, nout, want, st.bad ? " (corrupt base64)" : "");
					close_part(&out, part, path, whole);
				}
			}
			if (!strncmp(line, MARK_FILE, strlen(MARK_FILE))) {
				char *s = line + strlen(MARK_FILE), *sp = strrchr(s, ' '), *tail;
				if (!sp || !(tail = strstr(sp, MARK_TAIL))) {
					bsnprintf(o->bad, sizeof(o->bad), "bad file marker '%.200s'", line);
					continue;
				}
				*sp = 0;
				*tail = 0;
				bsnprintf(name, sizeof(name), "%s", s);
				want = strtoull(sp + 1, NULL, 10);
				if (!safe_relpath(name)) {
					bsnprintf(o->bad, sizeof(o->bad), "unsafe file name '%.200s'", name);
					continue;
				}
				bsnprintf(path, sizeof(path), "%s/%s", dir, name);
				char *slash = strrchr(path, '/');
				*slash = 0;
				mkdir_p(path);
				*slash = '/';
				/* decoded into NAME.part, renamed once whole: a panic or a damaged block
				 * in the middle of a file leaves no half-written result behind */
				bsnprintf(part, sizeof(part), "%s.part", path);
				out = fopen(part, "wb");
				if (!out) {
					bsnprintf(o->bad, sizeof(o->bad), "%s: %s", part, strerror(errno));
					continue;
				}
				memset(&st, 0, sizeof(st));
				nout = 0;
				o->nfiles++;
			} else if (!strncmp(line, MARK_RC, strlen(MARK_RC))) {
				o->guest_rc = atoi(line + strlen(MARK_RC));
			} else if (!strcmp(line, MARK_END)) {
				o->end = true;
			} else if (out) {
				b64_feed(&st, line, out, &nout);
			} else if (is_panic_line(line) && !*o->panic) {
				bsnprintf(o->panic, sizeof(o->panic), "%s", line);
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
			bsnprintf(o->last_cmd_line, sizeof(o->last_cmd_line), "%s", line);
		if (!*o->panic && is_panic_line(line))
			bsnprintf(o->panic, sizeof(o->panic), "%s", line);
		if (!*o->stall && strncmp(line, GUEST_MARK, strlen(GUEST_MARK)) && stall_line(line, strlen(line)))
			bsnprintf(o->stall, sizeof(o->stall), "%s", line);
	}
	close_part(&out, part, path, false); /* the console ended inside a file */
	free(line);
	fclose(f);
}

/* any userspace/, bench/ or bpf/ source newer than FILE? */
static bool sources_newer_than(const char *file)
{
	static const char *const dirs[] = { "userspace", "bench", "bpf", "bench/scenarios" };
	char p[PATH_MAX + 600];
	struct stat ref, st;

	if (stat(file, &ref))
		return false;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d;

		bsnprintf(p, sizeof(p), "%s/%s", root_dir, dirs[i]);
		if (!(d = opendir(p)))
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			bsnprintf(p, sizeof(p), "%s/%s/%s", root_dir, dirs[i], de->d_name);
			if (!stat(p, &st) && S_ISREG(st.st_mode) && st.st_mtime > ref.st_mtime) {
				closedir(d);
				return true;
			}
		}
		closedir(d);
	}
	return false;
}

/* ---- `vm run` ---- */
static void usage_run(FILE *f)
{
	fprintf(f,
		"usage: lazytlb vm run KERNEL SCENARIO [-o DIR] [--nohz-full] [--append ARGS] [--timeout S] [-v]\n"
		"                     [-- RUN-OPTIONS]\n"
		"       lazytlb vm run KERNEL --cmd CMD [-o DIR] [--nohz-full] [--append ARGS] [--timeout S] [-v]\n"
		"  Boots KERNEL (lazytlb vm list) under qemu, runs `lazytlb run SCENARIO -o /out [RUN-OPTIONS]`\n"
		"  in it (plus --btf for a kernel with a detached BTF), or the shell command CMD (run in /out,\n"
		"  $OUT), and copies the files the guest left in /out to DIR (default out/vm/KERNEL/SCENARIO,\n"
		"  or out/vm/KERNEL/cmd), next to console.log, qemu.cmd and vm-run.txt.\n"
		"  --nohz-full  boot with the kcfg's cmdline_nohz_full line (CPU 1 nohz_full)\n"
		"  --timeout S  kill qemu after S seconds (default: the kcfg's timeout, else 300)\n"
		"  --append ARGS  add ARGS to the kernel command line (e.g. mitigations=off)\n"
		"  --boot-timeout S  a guest that has not started /init after S seconds, or whose console\n"
		"               is silent for S seconds after (its init says alive every 10 s), hung (default 60)\n"
		"  --keep       keep DIR/initrd.img\n"
		"  -v           show the console while it runs, and the commands run\n"
		"  A panic or hang that is TCG's, not the run's (a panic before /init, an x86 \"Oops: int3\" of\n"
		"  a live text patch, a hang: see --boot-timeout, a lockup report: RCU stall, soft lockup,\n"
		"  stuck CSD lock, ended 5 s after it) boots again, up to 3 boots, keeping\n"
		"  DIR/console.boot-N.log; vm-run.txt says why.\n"
		"  Exit: 0 ok; 1 guest panic, timeout, missing result or guest command failure (one line on\n"
		"  stderr); 2 usage.\n");
}

static int split_args(char *s, char **argv, int max)
{
	int n = 0;

	for (char *tok = strtok(s, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

static int vm_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "nohz-full", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { "cmd", required_argument, NULL, 'c' },
		{ "keep", no_argument, NULL, 'k' },          { "verbose", no_argument, NULL, 'v' },
		{ "append", required_argument, NULL, 'a' },  { "boot-timeout", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *outdir = NULL, *cmd = NULL, *more_append = NULL, *kname, *scen;
	char dir[PATH_MAX], path[PATH_MAX + 64], kdir[PATH_MAX + 64], base[PATH_MAX + 64], btf[PATH_MAX + 64];
	char initrd[PATH_MAX + 64], logpath[PATH_MAX + 64], machine[512], append[1024], smp[32], mem[32];
	bool nohz = false, keep = false, with_btf = false;
	uint64_t timeout = 0, boot_timeout = VM_INIT_DEADLINE_S;
	struct kcfg k;
	struct outcome o = { 0 };
	int c, rc;

	/* everything after "--" goes to the guest's `lazytlb run` */
	int nextra = 0;
	char **extra = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			extra = argv + i + 1;
			nextra = argc - i - 1;
			argc = i;
			break;
		}
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case 'n': nohz = true; break;
		case 't':
			if (!lt_parse_u64(optarg, &timeout) || !timeout || timeout > 86400)
				return lt_err(LT_EXIT_USAGE, "bad --timeout '%s' (seconds, 1..86400)", optarg);
			break;
		case 'c': cmd = optarg; break;
		case 'b':
			if (!lt_parse_u64(optarg, &boot_timeout) || !boot_timeout || boot_timeout > 86400)
				return lt_err(LT_EXIT_USAGE, "bad --boot-timeout '%s' (seconds, 1..86400)", optarg);
			break;
		case 'a':
			if (strlen(optarg) > 256 || strpbrk(optarg, "\n\r"))
				return lt_err(LT_EXIT_USAGE, "bad --append: at most 256 characters on one line");
			more_append = optarg;
			break;
		case 'k': keep = true; break;
		case 'v': lt_verbose = true; break;
		case 'h': usage_run(stdout); return LT_EXIT_OK;
		default: usage_run(stderr); return LT_EXIT_USAGE;
		}
	}
	if (optind >= argc || argc - optind > 2 || (argc - optind == 1 && !cmd) || (cmd && nextra)) {
		usage_run(stderr);
		return LT_EXIT_USAGE;
	}
	kname = argv[optind];
	scen = argc - optind == 2 ? argv[optind + 1] : "cmd";
	if (!safe_relpath(scen) || strchr(scen, '/'))
		return lt_err(LT_EXIT_USAGE, "bad scenario name '%s'", scen);
	if ((rc = kcfg_load(kname, &k)))
		return rc;
	if (!timeout && (!*kget(&k, "timeout") || !lt_parse_u64(kget(&k, "timeout"), &timeout)))
		timeout = 300;
	const char *arch = kget(&k, "arch");
	if (strcmp(arch, "x86_64") && strcmp(arch, "ppc64le"))
		return lt_err(LT_EXIT_USAGE, "%s.kcfg: arch '%s' is not x86_64 or ppc64le", kname, arch);

	/* images: the scripts do the work, and skip what is already done */
	bsnprintf(kdir, sizeof(kdir), "%s/cache/kernels/%s", root_dir, kname);
	if (!exists("%s/kernel", kdir)) {
		char *fa[] = { "bash", "vm/fetch.sh", (char *)kname, NULL };
		if (!strncmp(kget(&k, "source"), "custom:", 7))
			return lt_err(LT_EXIT_FAIL, "%s: custom kernel not built (%s/kernel missing): vm/build-custom.sh %s",
				      kname, kdir, kname);
		fprintf(stderr, "%s: %s not prepared, running vm/fetch.sh %s\n", lt_prog, kname, kname);
		if (run_wait(fa))
			return lt_err(LT_EXIT_FAIL, "vm/fetch.sh %s failed", kname);
	}
	if (!strcmp(btf_kind(&k), "detached")) {
		bsnprintf(btf, sizeof(btf), "%s/vmlinux.btf", kdir);
		with_btf = exists("%s", btf);
		/* a scenario needs it (the collector loads CO-RE programs): say so here rather than
		 * after a boot that ends in "kernel has no BTF"; a --cmd may not need it */
		if (!with_btf && !cmd)
			return lt_err(LT_EXIT_FAIL, "%s has no BTF of its own and %s is missing: run "
				      "bash vm/fetch.sh %s --btf (or make vm-prepare VM_BTF=1)", kname, btf, kname);
		if (!with_btf)
			lt_warn("%s has no BTF of its own and %s is missing (vm/fetch.sh %s --btf)", kname, btf, kname);
	}

	char *ia[] = { "bash", "vm/initramfs.sh", (char *)arch, NULL };
	if (run_wait(ia))
		return lt_err(LT_EXIT_FAIL, "vm/initramfs.sh %s failed", arch);
	bsnprintf(base, sizeof(base), "%s/cache/initramfs/%s.cpio.gz", root_dir, arch);
	if (!cmd) {
		char man[PATH_MAX + 96], l[256];
		FILE *f;
		bool have = true;

		bsnprintf(man, sizeof(man), "%s.manifest", base);
		if ((f = fopen(man, "r"))) {
			while (fgets(l, sizeof(l), f))
				if (!strncmp(l, "lazytlb: none", 13))
					have = false;
			fclose(f);
		}
		if (!have)
			return lt_err(LT_EXIT_FAIL, "the %s initramfs has no lazytlb binary: run make static-%s vm-initramfs "
				      "(or use --cmd)", arch, arch);
		if (sources_newer_than(base))
			lt_warn("sources changed since %s was built: the guest runs the older lazytlb (make vm-initramfs)",
				base);
	}
	/* the output directory */
	if (outdir)
		bsnprintf(dir, sizeof(dir), "%s", outdir);
	else
		bsnprintf(dir, sizeof(dir), "out/vm/%s/%s", kname, scen);
	if (mkdir_p(dir))
		return lt_err(LT_EXIT_FAIL, "%s: %s", dir, strerror(errno));
	static const char *const stale[] = { "console.log", "vm-run.txt", "guest-cmd.log", "guest-error.txt" };
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		bsnprintf(path, sizeof(path), "%s/%s", dir, stale[i]);
		unlink(path);
	}
	for (int i = 1; i < VM_MAX_BOOTS; i++) { /* the consoles of boots retried before */
		bsnprintf(path, sizeof(path), "%s/console.boot-%d.log", dir, i);
		unlink(path);
	}

	/* /lazytlb.env: what vm/init runs */
	char *env = NULL;
	size_t envlen = 0;
	FILE *ef = open_memstream(&env, &envlen);
	fputs("LT_KERNEL=", ef), sh_quote(ef, kname), fputc('\n', ef);
	fputs("LT_SCENARIO=", ef), sh_quote(ef, scen), fputc('\n', ef);
	fprintf(ef, "LT_NOHZ_FULL=%d\n", nohz);
	if (with_btf)
		fputs("LAZYTLB_BTF=/boot/vmlinux.btf\n", ef);
	if (cmd) {
		fputs("LT_CMD=", ef), sh_quote(ef, cmd), fputc('\n', ef);
	} else {
		char *rc_cmd = NULL;
		size_t rc_len = 0;
		FILE *cf = open_memstream(&rc_cmd, &rc_len);

		fputs("lazytlb run ", cf), sh_quote(cf, scen), fputs(" -o /out", cf);
		if (with_btf)
			fputs(" --btf /boot/vmlinux.btf", cf);
		for (int i = 0; i < nextra; i++)
			fputc(' ', cf), sh_quote(cf, extra[i]);
		fclose(cf);
		fputs("LT_NEED_LAZYTLB=1\nLT_CMD=", ef), sh_quote(ef, rc_cmd), fputc('\n', ef);
		free(rc_cmd);
	}
	fclose(ef);
	char rel[128], cfgpath[PATH_MAX + 64];
	bsnprintf(path, sizeof(path), "%s/release", kdir);
	read_first_line(path, rel, sizeof(rel));
	bsnprintf(cfgpath, sizeof(cfgpath), "%s/config", kdir);
	bsnprintf(initrd, sizeof(initrd), "%s/initrd.img", dir);
	rc = write_initrd(initrd, base, env, envlen, with_btf ? btf : NULL, cfgpath, rel);
	free(env);
	if (rc)
		return rc;

	/* qemu's command line */
	char *qargv[96];
	int qn = 0;
	bsnprintf(machine, sizeof(machine), "%s", kget(&k, "machine"));
	bsnprintf(append, sizeof(append), "%s", nohz && *kget(&k, "cmdline_nohz_full") ? kget(&k, "cmdline_nohz_full")
									       : kget(&k, "cmdline"));
	if (nohz && !*kget(&k, "cmdline_nohz_full"))
		return lt_err(LT_EXIT_USAGE, "%s.kcfg has no cmdline_nohz_full line", kname);
	/* x86 under TCG: the TSC follows the host clock, but the clocksource watchdog compares it
	 * with hpet across a descheduled vCPU thread and marks it unstable (seen after 13.8 s on
	 * a 2-vCPU AMD EPYC host); the guest then reads time through a syscall and every
	 * timing-based figure (nohz-victim's gaps) measures qemu. tsc=reliable unless given. */
	if (!strcmp(kget(&k, "arch"), "x86_64") && !strstr(append, "tsc=") && !(more_append && strstr(more_append, "tsc=")))
		bsnprintf(append + strlen(append), sizeof(append) - strlen(append), " tsc=reliable");
	/* --append last: what follows a "--" in it goes to init as arguments */
	if (more_append)
		bsnprintf(append + strlen(append), sizeof(append) - strlen(append), " %s", more_append);
	bsnprintf(smp, sizeof(smp), "%s", kget(&k, "smp"));
	bsnprintf(mem, sizeof(mem), "%s", kget(&k, "memory"));
	bsnprintf(path, sizeof(path), "%s/kernel", kdir);
	qargv[qn++] = (char *)kget(&k, "qemu");
	qn += split_args(machine, qargv + qn, 32);
	if (*kget(&k, "cpu")) {
		qargv[qn++] = "-cpu";
		qargv[qn++] = (char *)kget(&k, "cpu");
	}
	char *fixed[] = { "-smp", smp, "-m", mem, "-kernel", path, "-initrd", initrd, "-append", append,
			  "-nographic", "-monitor", "none", "-serial", "stdio", "-no-reboot" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		qargv[qn++] = fixed[i];
	qargv[qn] = NULL;
	bsnprintf(logpath, sizeof(logpath), "%s/qemu.cmd", dir);
	FILE *qf = fopen(logpath, "w");
	if (qf) {
		for (int i = 0; i < qn; i++)
			sh_quote(qf, qargv[i]), fputc(i + 1 < qn ? ' ' : '\n', qf);
		fclose(qf);
	}

	/* run it: console to DIR/console.log (and stderr with -v), killed at the deadline */
	int boots = 0;
	char retried[VM_MAX_BOOTS][600];
boot:
	boots++;
	int pfd[2], lfd;
	bsnprintf(logpath, sizeof(logpath), "%s/console.log", dir);
	lfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (lfd < 0 || pipe2(pfd, O_CLOEXEC))
		return lt_err(LT_EXIT_FAIL, "%s: %s", logpath, strerror(errno));
	if (lt_verbose) {
		fprintf(stderr, "+");
		for (int i = 0; i < qn; i++)
			fprintf(stderr, " %s", qargv[i]);
		fputc('\n', stderr);
	}
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0)
		return lt_err(LT_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(qargv[0], qargv);
		dprintf(2, "LAZYTLB-HOST: cannot run %s: %s\n", qargv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	struct sigaction sa = { .sa_handler = on_signal }, oldint, oldterm;
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	bool timed_out = false, init_seen = false, hung = false;
	double stall_at = 0; /* when a lockup report was seen, 0 none */
	double last_out = t0; /* when the console last said something */
	char buf[65536 + VM_SCAN_OVERLAP];
	size_t carry = 0; /* the tail of the last read, so a marker split across reads is found */
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = t0 + (double)timeout - now_s();
		ssize_t n;

		/* before /init: the boot hung; after: silent although vm/init says "alive" every 10 s */
		if (now_s() - (init_seen ? last_out : t0) > (double)boot_timeout && left > 0) {
			hung = true;
			kill(pid, SIGKILL);
			break;
		}
		if (stall_at && now_s() - stall_at > VM_STALL_GRACE_S) {
			kill(pid, SIGKILL);
			break;
		}
		if (got_signal || left <= 0) {
			timed_out = !got_signal;
			kill(pid, SIGKILL);
			break;
		}
		int pr = poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		n = read(pfd[0], buf + carry, sizeof(buf) - carry - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		last_out = now_s();
		if (write(lfd, buf + carry, (size_t)n) != n)
			lt_warn("%s: short write", logpath);
		if (lt_verbose && write(2, buf + carry, (size_t)n) != n)
			lt_verbose = false;
		/* the serial console comes in reads of a few dozen bytes: scan with the tail of the last */
		size_t len = carry + (size_t)n;

		if (!init_seen)
			init_seen = memmem(buf, len, INIT_MARK, strlen(INIT_MARK)) != NULL;
		if (!stall_at && stall_line(buf, len))
			stall_at = last_out;
		carry = len < VM_SCAN_OVERLAP ? len : VM_SCAN_OVERLAP;
		memmove(buf, buf + len - carry, carry);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	double wall = now_s() - t0;
	close(pfd[0]);
	close(lfd);
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	if (got_signal) {
		if (!keep)
			unlink(initrd);
		return lt_err(LT_EXIT_FAIL, "interrupted (signal %d); console in %s", (int)got_signal, logpath);
	}

	parse_console(logpath, dir, &o);
	const char *why = *o.panic ? tcg_artifact(&o) : NULL;
	char hang[600] = "";
	if (stall_at && !*o.panic) {
		bsnprintf(hang, sizeof(hang), "stalled: %.400s", *o.stall ? o.stall : o.last);
		why = "a guest lockup under TCG";
	} else if (hung && !*o.panic) {
		if (init_seen)
			bsnprintf(hang, sizeof(hang), "hung: console silent for %llu s after /init (last line: %.400s)",
				  (unsigned long long)boot_timeout, o.last);
		else
			bsnprintf(hang, sizeof(hang), "hung: no /init within %llu s (last console line: %.400s)",
				  (unsigned long long)boot_timeout, o.last);
		why = "a guest hang under TCG";
	}
	if (why && boots < VM_MAX_BOOTS) {
		char kept[PATH_MAX + 64];
		const char *what = *hang ? hang : o.panic;

		bsnprintf(kept, sizeof(kept), "%s/console.boot-%d.log", dir, boots);
		rename(logpath, kept);
		lt_warn("%s: %s%s, %s: booting again (console: %s)", kname, *hang ? "" : "guest panic: ", what, why,
			kept);
		bsnprintf(retried[boots - 1], sizeof(retried[0]), "%s: %s", why, what);
		memset(&o, 0, sizeof(o));
		goto boot;
	}
	if (!keep)
		unlink(initrd);

	/* the verdict: one line on stderr when it failed */
	char verdict[1024];
	int qstatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	rc = LT_EXIT_FAIL;
	if (*o.panic)
		bsnprintf(verdict, sizeof(verdict), "guest panic: %s", o.panic);
	else if (*hang)
		bsnprintf(verdict, sizeof(verdict), "%s", hang);
	else if (timed_out)
		bsnprintf(verdict, sizeof(verdict), "timeout after %llu s%s (last console line: %.400s)",
			  (unsigned long long)timeout, o.begin ? " while printing the result" : ", no result", o.last);
	else if (!o.end && !strncmp(o.last_cmd_line, "LAZYTLB-HOST: ", 14))
		bsnprintf(verdict, sizeof(verdict), "%s", o.last_cmd_line + 14);
	else if (!o.end)
		bsnprintf(verdict, sizeof(verdict), "no result in the console log (qemu exited %d%s%.300s)", qstatus,
			 *o.last_cmd_line ? ", last line: " : "", o.last_cmd_line);
	else if (*o.bad)
		bsnprintf(verdict, sizeof(verdict), "result block damaged: %s", o.bad);
	else if (o.guest_rc != 0)
		bsnprintf(verdict, sizeof(verdict), "guest command exited %d%s%.300s", o.guest_rc,
			 *o.last_cmd_line ? ": " : "", o.last_cmd_line);
	else {
		bsnprintf(verdict, sizeof(verdict), "ok");
		rc = LT_EXIT_OK;
	}

	bsnprintf(path, sizeof(path), "%s/vm-run.txt", dir);
	FILE *vf = fopen(path, "w");
	if (vf) {
		fprintf(vf, "kernel: %s\nrelease: %s\nscenario: %s\ncmd: %s\nnohz_full: %d\n", kname, rel, scen,
			cmd ? cmd : "(lazytlb run)", nohz);
		fprintf(vf, "status: %s\nwall_s: %.2f\nguest_init_s: %.2f\nguest_rc: %d\nfiles: %d\nqemu_exit: %d\n",
			verdict, wall, o.guest_init_s, o.guest_rc, o.nfiles, qstatus);
		fprintf(vf, "boots: %d\nkernel_warnings: %d\n", boots, o.warnings);
		for (int i = 0; i + 1 < boots; i++)
			fprintf(vf, "boot_%d: %s (console.boot-%d.log)\n", i + 1, retried[i], i + 1);
		if (o.warnings)
			fprintf(vf, "first_warning: %s\n", o.warning);
		fclose(vf);
	}
	if (o.warnings)
		lt_warn("%s: the guest kernel warned %d time%s: %s", kname, o.warnings, o.warnings == 1 ? "" : "s",
			o.warning);
	if (rc)
		return lt_err(rc, "%s %s: %s (console: %s)", kname, scen, verdict, logpath);
	printf("%s %s: ok in %.1f s (guest /init at %.1f s), %d file%s in %s\n", kname, scen, wall, o.guest_init_s,
	       o.nfiles, o.nfiles == 1 ? "" : "s", dir);
	return LT_EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb vm list\n"
		   "       lazytlb vm run KERNEL SCENARIO [-o DIR] [--nohz-full] [--timeout S] [-v] [-- RUN-OPTIONS]\n"
		   "       lazytlb vm run KERNEL --cmd CMD [-o DIR] [--nohz-full] [--timeout S] [-v]\n"
		   "  The qemu kernel matrix: kernels-config/*.kcfg (see kernels-config/README.md).\n"
		   "  `lazytlb vm run --help` for details.\n"
		   "  Prepare the images with `make vm-prepare` (or vm/fetch.sh KERNEL; vm/initramfs.sh ARCH).\n");
}

int cmd_vm(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return lt_err(LT_EXIT_USAGE, "needs a subcommand: list or run (try lazytlb vm --help)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LT_EXIT_OK;
	}
	if ((rc = find_root()))
		return rc;
	if (!strcmp(argv[1], "list"))
		return vm_list();
	if (!strcmp(argv[1], "run"))
		return vm_run(argc - 1, argv + 1);
	return lt_err(LT_EXIT_USAGE, "unknown vm command '%s': list or run (try lazytlb vm --help)", argv[1]);
}
