// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "signals.h"

static const int stop_signals[LT_STOP_SIGNALS] = { SIGINT, SIGTERM, SIGHUP };

void lt_on_stop_signals(void (*fn)(int), struct lt_saved_signals *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < LT_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &sa, saved ? &saved->old[i] : NULL);
}

void lt_restore_signals(const struct lt_saved_signals *saved)
{
	for (int i = 0; i < LT_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &saved->old[i], NULL);
}
