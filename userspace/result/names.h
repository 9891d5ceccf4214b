/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names.h - the names of bpf/lt_names.h's lists as strings, in enum order, with their docs:
 * what the result file, the summary and `lazytlb schema` print.
 */
#ifndef LT_USER_NAMES_H
#define LT_USER_NAMES_H

#include <linux/types.h>
#include "bpf/lt_names.h"

struct lt_name {
	const char *name, *doc;
};
extern const struct lt_name lt_causes[LT_NR_CAUSES], lt_states[LT_NR_STATES],
	lt_flush_reasons[LT_NR_FLUSH_REASONS], lt_filters[LT_NR_FILTERS], lt_hooks_named[H_NR_HOOKS],
	lt_modes[M_NR_MODES];
/* the names alone, for printf-style lookups */
extern const char *const lt_cause_names[LT_NR_CAUSES], *const lt_state_names[LT_NR_STATES],
	*const lt_flush_reason_names[LT_NR_FLUSH_REASONS], *const lt_filter_names[LT_NR_FILTERS],
	*const lt_hook_names[H_NR_HOOKS], *const lt_mode_names[M_NR_MODES];

#endif
