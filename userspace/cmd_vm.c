// SPDX-License-Identifier: GPL-2.0
/* cmd_vm.c - PLACEHOLDER while the vm subcommand is being written; replaced by its issue. */
#include "cli.h"

int cmd_vm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return lt_err(LT_EXIT_FAIL, "not built yet");
}
