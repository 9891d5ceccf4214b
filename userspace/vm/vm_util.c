// SPDX-License-Identifier: GPL-2.0
/*
 * vm_util.c - what `lazytlb vm` needs around the guest (vm.h): the tree it runs from, the
 * kcfg of a kernel, processes (fork/exec, never system()), small file helpers.
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

char vm_root[PATH_MAX]; /* the source tree: kernels-config/, vm/, cache/ */

/* snprintf that truncates quietly (paths and messages here are bounded, truncation is harmless) */
int vm_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vm_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

int vm_kcfg_load(const char *name, struct kcfg *k)
{
	char path[PATH_MAX], err[256];
	size_t len;
	char *text;

	vm_snprintf(path, sizeof(path), "%s/kernels-config/%s.kcfg", vm_root, name);
	text = vm_slurp(path, &len);
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

	vm_snprintf(p, sizeof(p), "%s/kernels-config", dir);
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

int vm_find_root(void)
{
	const char *env = getenv("LAZYTLB_ROOT");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		vm_snprintf(vm_root, sizeof(vm_root), "%s", env);
		if (has_kcfg_dir(vm_root))
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
			vm_snprintf(vm_root, sizeof(vm_root), "%s", exe);
			return 0;
		}
	}
	if (getcwd(vm_root, sizeof(vm_root)) && has_kcfg_dir(vm_root))
		return 0;
	return lt_err(LT_EXIT_FAIL, "cannot find the lazytlb tree (kernels-config/): set LAZYTLB_ROOT");
}

bool vm_exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool vm_exists(const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	return access(p, F_OK) == 0;
}

void vm_read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\r\n")] = 0;
	fclose(f);
}

const char *vm_btf_kind(const struct kcfg *k)
{
	const char *b = kcfg_get(k, "btf");

	return strncmp(b, "detached:", 9) ? "sysfs" : "detached";
}

/* ---- processes: fork/exec, never system() ---- */
int vm_run_wait(char *const argv[])
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
		if (chdir(vm_root))
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

int vm_wait_child(pid_t pid)
{
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int vm_split_extra(int argc, char **argv, char ***extra, int *nextra)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			*extra = argv + i + 1, *nextra = argc - i - 1;
			return i;
		}
	return argc;
}

int vm_child_opt(int c, const char *arg, const char **reps, const char **dur, const char **timeout)
{
	uint64_t u;
	double d;

	switch (c) {
	case 'r':
		if (!lt_parse_u64(arg, &u) || !u || u > 1000)
			return lt_err(LT_EXIT_USAGE, "bad -r '%s' (reps, 1..1000)", arg);
		*reps = arg;
		return 0;
	case 'd':
		if (!lt_parse_double(arg, &d) || d <= 0 || d > 3600)
			return lt_err(LT_EXIT_USAGE, "bad -d '%s' (seconds, > 0)", arg);
		*dur = arg;
		return 0;
	case 't':
		if (!lt_parse_u64(arg, &u) || !u || u > 86400)
			return lt_err(LT_EXIT_USAGE, "bad --timeout '%s' (seconds, 1..86400)", arg);
		*timeout = arg;
		return 0;
	}
	return -1;
}

int vm_mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	size_t l;

	vm_snprintf(p, sizeof(p), "%s", dir);
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

void *vm_slurp(const char *path, size_t *size)
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

void vm_sh_quote(FILE *f, const char *s)
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

/* any userspace/, bench/ or bpf/ source newer than FILE? */
bool vm_sources_newer_than(const char *file)
{
	static const char *const dirs[] = { "userspace",	  "userspace/cmd", "userspace/vm",  "userspace/trace", "userspace/analysis",
						   "userspace/result", "userspace/lib", "bench", "bpf", "bench/scenarios" };
	char p[PATH_MAX + 600];
	struct stat ref, st;

	if (stat(file, &ref))
		return false;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d;

		vm_snprintf(p, sizeof(p), "%s/%s", vm_root, dirs[i]);
		if (!(d = opendir(p)))
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			vm_snprintf(p, sizeof(p), "%s/%s/%s", vm_root, dirs[i], de->d_name);
			if (!stat(p, &st) && S_ISREG(st.st_mode) && st.st_mtime > ref.st_mtime) {
				closedir(d);
				return true;
			}
		}
		closedir(d);
	}
	return false;
}
