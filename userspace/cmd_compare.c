// SPDX-License-Identifier: GPL-2.0
/* cmd_compare.c - PLACEHOLDER while the compare subcommand is being written; replaced by its issue. */
#include "cli.h"

int cmd_compare(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return lt_err(LT_EXIT_FAIL, "not built yet");
}
