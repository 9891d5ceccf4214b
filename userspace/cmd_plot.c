// SPDX-License-Identifier: GPL-2.0
/* cmd_plot.c - PLACEHOLDER while the plot subcommand is being written; replaced by its issue. */
#include "cli.h"

int cmd_plot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return lt_err(LT_EXIT_FAIL, "not built yet");
}
