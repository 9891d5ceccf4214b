/* SPDX-License-Identifier: GPL-2.0 */
/* signals.h - one way to ask a long command to stop: SIGINT, SIGTERM and SIGHUP call `fn`
 * (without SA_RESTART, so a sleep or read in progress returns EINTR and the loop looks) */
#ifndef LT_SIGNALS_H
#define LT_SIGNALS_H

#include <signal.h>

#define LT_STOP_SIGNALS 3
struct lt_saved_signals {
	struct sigaction old[LT_STOP_SIGNALS];
};

/* install fn for the stop signals; `saved` (may be NULL) keeps what was there */
void lt_on_stop_signals(void (*fn)(int), struct lt_saved_signals *saved);
void lt_restore_signals(const struct lt_saved_signals *saved);

#endif
