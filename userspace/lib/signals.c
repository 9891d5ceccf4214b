// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "signals.h"

static const int stop_signals[LT_STOP_SIGNALS] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t stop_signal;
static void (*volatile stop_also)(void);

static void on_stop(int sig)
{
	if (!stop_signal)
		stop_signal = sig;
	if (stop_also)
		stop_also();
}

void lt_on_stop_signals(void (*also)(void), struct lt_saved_signals *saved)
{
	struct sigaction sa;

	stop_also = also;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < LT_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &sa, saved ? &saved->old[i] : NULL);
}

void lt_restore_signals(const struct lt_saved_signals *saved)
{
	for (int i = 0; i < LT_STOP_SIGNALS; i++)
		sigaction(stop_signals[i], &saved->old[i], NULL);
}

int lt_stop_signal(void)
{
	return stop_signal;
}
