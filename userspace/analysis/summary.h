/* SPDX-License-Identifier: GPL-2.0 */
/* summary.h - a result document for a person: tables and text histograms */
#ifndef LT_SUMMARY_H
#define LT_SUMMARY_H

#include <stdio.h>
#include "lib/json.h"

/* Human summary of one result document (tables and text histograms), to f. */
void summary_print(FILE *f, const struct json *result);

#endif
