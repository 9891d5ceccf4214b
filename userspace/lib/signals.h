/* SPDX-License-Identifier: GPL-2.0 */
/* signals.h - one way to ask a long command to stop: SIGINT, SIGTERM and SIGHUP record the
 * signal, which every loop reads with lt_stop_signal() (the handler is installed without
 * SA_RESTART, so a sleep or read in progress returns EINTR and the loop looks) */
#ifndef LT_SIGNALS_H
#define LT_SIGNALS_H

#include <signal.h>

#define LT_STOP_SIGNALS 3
struct lt_saved_signals {
	struct sigaction old[LT_STOP_SIGNALS];
};

/* catch the stop signals; the handler also calls `also` (NULL: nothing; it must be
 * async-signal-safe: it wakes what sleeps elsewhere). `saved` (may be NULL) keeps what was there */
void lt_on_stop_signals(void (*also)(void), struct lt_saved_signals *saved);
void lt_restore_signals(const struct lt_saved_signals *saved);
/* the first stop signal this process caught, 0 while none came */
int lt_stop_signal(void);

#endif
