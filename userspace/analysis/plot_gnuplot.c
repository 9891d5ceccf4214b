// SPDX-License-Identifier: GPL-2.0
/*
 * plot_gnuplot.c - from template to image (see plot.h). A plot's script is
 * its variables followed by the template's text, written beside the data so
 * that `gnuplot NAME.gp` in the output directory redraws it; gnuplot runs
 * there too, so the script names its files without directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/cli.h"
#include "plot.h"

#define LOG_NAME ".gnuplot.log"

static bool has_common(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/common.gp", dir);
	return access(path, R_OK) == 0;
}

const char *plot_find_templates(const char *override, char *buf, size_t len)
{
	char exe[4096], tried[1024] = "";
	const char *env = getenv("LAZYTLB_PLOTS");
	ssize_t n;

	if (override || (env && *env)) {
		snprintf(buf, len, "%s", override ? override : env);
		if (has_common(buf))
			return buf;
		lt_err(LT_EXIT_FAIL, "%s: no common.gp there (gnuplot templates, plots/ in the source tree)", buf);
		return NULL;
	}
	/* build/lazytlb -> ../plots in a source tree; an install puts them in share/ */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		static const char *const rel[] = { "../plots", "plots", "../share/lazytlb/plots" };

		exe[n] = '\0';
		dirname(exe);
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(buf, len, "%s/%s", exe, rel[i]);
			if (has_common(buf))
				return buf;
			snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s, ", buf);
		}
	}
	snprintf(buf, len, "/usr/share/lazytlb/plots");
	if (has_common(buf) || !plot_builtin_dir(buf, len))
		return buf;
	lt_err(LT_EXIT_FAIL, "gnuplot templates not found (looked in %s/usr/share/lazytlb/plots; the built-in copy: %m); "
	       "use --templates DIR", tried);
	return NULL;
}

/* Copy from into to, or append to it (mode "a"). */
static int copy_file(const char *from, const char *to, const char *mode)
{
	char chunk[8192];
	FILE *in = fopen(from, "r"), *out;
	size_t got;
	int ret = 0;

	if (!in)
		return lt_err(LT_EXIT_FAIL, "%s: %m", from);
	out = fopen(to, mode);
	if (!out) {
		fclose(in);
		return lt_err(LT_EXIT_FAIL, "%s: %m", to);
	}
	while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, got, out) != got)
			break;
	if (ferror(in) || ferror(out))
		ret = lt_err(LT_EXIT_FAIL, "copying %s to %s: read or write error", from, to);
	fclose(in);
	if (fclose(out) && !ret)
		ret = lt_err(LT_EXIT_FAIL, "%s: write error", to);
	return ret;
}

/* A gnuplot single-quoted string: a quote is written twice. */
static void put_gp_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static int write_script(const struct plot_job *j, const char *dir, const char *tmpl_dir, unsigned int w,
			unsigned int h)
{
	char path[4200], tmpl[4200];
	struct plot_var fixed[] = {
		{ "W", "", false }, { "H", "", false }, { "OUT", "", true }, { "DATA", "", true },
	};
	FILE *f;

	snprintf(fixed[0].val, sizeof(fixed[0].val), "%u", w);
	snprintf(fixed[1].val, sizeof(fixed[1].val), "%u", h);
	snprintf(fixed[2].val, sizeof(fixed[2].val), "%s", j->name);
	snprintf(fixed[3].val, sizeof(fixed[3].val), "%s.dat", j->name);
	snprintf(path, sizeof(path), "%s/%s.gp", dir, j->name);
	f = fopen(path, "w");
	if (!f)
		return lt_err(LT_EXIT_FAIL, "%s: %m", path);
	fprintf(f, "# %s.gp - written by lazytlb plot from plots/%s. To restyle, edit this file\n"
		   "# (or common.gp for every plot) and run `gnuplot %s.gp` in this directory.\n",
		j->name, j->tmpl, j->name);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + j->nvars; i++) {
		const struct plot_var *v = i < 4 ? &fixed[i] : &j->vars[i - 4];

		fprintf(f, "%s = ", v->key);
		if (v->is_string)
			put_gp_string(f, v->val);
		else
			fputs(v->val, f);
		fputc('\n', f);
	}
	fputc('\n', f);
	if (fclose(f))
		return lt_err(LT_EXIT_FAIL, "%s: write error", path);
	/* then the template itself */
	snprintf(tmpl, sizeof(tmpl), "%s/%s", tmpl_dir, j->tmpl);
	return copy_file(tmpl, path, "a");
}

/* The last non-empty line of dir/.gnuplot.log, for a one-line error. */
static void last_log_line(const char *dir, char *buf, size_t len)
{
	char path[4200], line[512];
	FILE *f;

	snprintf(buf, len, "no message");
	snprintf(path, sizeof(path), "%s/%s", dir, LOG_NAME);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

static int run_gnuplot(const struct plot_job *j, const char *dir)
{
	char script[128], msg[512];
	int status;
	pid_t pid;

	snprintf(script, sizeof(script), "%s.gp", j->name);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return lt_err(LT_EXIT_FAIL, "fork: %m");
	if (pid == 0) {
		int fd;

		if (chdir(dir))
			_exit(126);
		fd = open(LOG_NAME, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return lt_err(LT_EXIT_FAIL, "waitpid: %m");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return lt_err(LT_EXIT_FAIL, "gnuplot not found: install it (Debian: apt-get install gnuplot-nox), "
					    "or use --no-render and run the scripts elsewhere");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		last_log_line(dir, msg, sizeof(msg));
		return lt_err(LT_EXIT_FAIL, "gnuplot failed on %s/%s: %s", dir, script, msg);
	}
	snprintf(msg, sizeof(msg), "%s/%s", dir, LOG_NAME);
	unlink(msg); /* warnings of a successful run ("no valid points" for an empty series) */
	return 0;
}

int plot_render(const struct plot_job *j, const char *dir, const char *tmpl_dir, unsigned int w,
		unsigned int h, bool run)
{
	char from[4200], to[4200];
	int ret;

	snprintf(from, sizeof(from), "%s/common.gp", tmpl_dir);
	snprintf(to, sizeof(to), "%s/common.gp", dir);
	ret = copy_file(from, to, "w");
	if (!ret)
		ret = write_script(j, dir, tmpl_dir, w, h);
	if (!ret && run)
		ret = run_gnuplot(j, dir);
	return ret;
}
