// SPDX-License-Identifier: GPL-2.0
/*
 * plot_builtin.c - the gnuplot templates built into the binary (plots/NAME.gp through
 * tools/embed.sh), written out for gnuplot when no plots/ directory is at hand: a static
 * binary copied alone to a test machine plots like one run from the source tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"

static char builtin_dir[4096];

static void remove_builtin_dir(void)
{
	char path[4200];

	if (!builtin_dir[0])
		return;
	for (size_t i = 0; i < nr_plot_templates; i++) {
		snprintf(path, sizeof(path), "%s/%s", builtin_dir, plot_templates[i].name);
		unlink(path);
	}
	rmdir(builtin_dir);
}

int plot_builtin_dir(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char path[4200];
	int err = 0;

	if (!builtin_dir[0]) {
		snprintf(builtin_dir, sizeof(builtin_dir), "%s/lazytlb-plots.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(builtin_dir)) {
			err = errno;
			builtin_dir[0] = 0;
			return errno = err;
		}
		atexit(remove_builtin_dir);
		for (size_t i = 0; i < nr_plot_templates && !err; i++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", builtin_dir, plot_templates[i].name);
			f = fopen(path, "w");
			if (!f || fputs(plot_templates[i].text, f) < 0)
				err = errno ? errno : EIO;
			if (f && fclose(f) && !err)
				err = errno ? errno : EIO;
		}
		if (err) {
			remove_builtin_dir();
			builtin_dir[0] = 0;
			return errno = err;
		}
	}
	snprintf(buf, len, "%s", builtin_dir);
	return 0;
}
