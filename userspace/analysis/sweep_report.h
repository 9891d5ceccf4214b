/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sweep_report.h - the report of a vCPU sweep (`lazytlb vm sweep`): from the result files
 * DIR/KERNEL/smpN/SCENARIO.json, per scenario and kernel a table of the lazy-TLB costs per
 * workload op (or per context switch) against the CPUs, the identities that must hold at every
 * point, and the scaling plots, into DIR/report.md.
 */
#ifndef LT_SWEEP_REPORT_H
#define LT_SWEEP_REPORT_H

#include <stdbool.h>

struct sweep_def {
	const char *dir;
	const char *const *kernels;
	int nk;
	const char *const *scens;
	int ns;
	const unsigned int *smp;
	int np;
	const char *reps, *dur; /* as given to the guests, for the report's words */
	bool render;            /* run gnuplot (else the .dat and .gp files only) */
};

/* DIR/report.md, the plots' .dat/.gp (and .svg/.png when rendered) beside it. Returns 0 or an
 * exit code after lt_err; *failed is the number of identity checks that failed. */
int sweep_report_write(const struct sweep_def *d, int *failed);

#endif
