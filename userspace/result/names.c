// SPDX-License-Identifier: GPL-2.0
/* names.c - the string side of bpf/lt_names.h (names.h) */
#include "names.h"

#define LT_X_PAIR(id, name, doc) { name, doc },
#define LT_X_NAME(id, name, doc) name,

const struct lt_name lt_causes[LT_NR_CAUSES] = { LT_CAUSES(LT_X_PAIR) };
const struct lt_name lt_states[LT_NR_STATES] = { LT_STATES(LT_X_PAIR) };
const struct lt_name lt_flush_reasons[LT_NR_FLUSH_REASONS] = { LT_FLUSH_REASONS(LT_X_PAIR) };
const struct lt_name lt_filters[LT_NR_FILTERS] = { LT_FILTERS(LT_X_PAIR) };
const struct lt_name lt_hooks_named[H_NR_HOOKS] = { LT_HOOKS(LT_X_PAIR) };
const struct lt_name lt_modes[M_NR_MODES] = { LT_MODES(LT_X_PAIR) };

const char *const lt_cause_names[LT_NR_CAUSES] = { LT_CAUSES(LT_X_NAME) };
const char *const lt_state_names[LT_NR_STATES] = { LT_STATES(LT_X_NAME) };
const char *const lt_flush_reason_names[LT_NR_FLUSH_REASONS] = { LT_FLUSH_REASONS(LT_X_NAME) };
const char *const lt_filter_names[LT_NR_FILTERS] = { LT_FILTERS(LT_X_NAME) };
const char *const lt_hook_names[H_NR_HOOKS] = { LT_HOOKS(LT_X_NAME) };
const char *const lt_mode_names[M_NR_MODES] = { LT_MODES(LT_X_NAME) };
