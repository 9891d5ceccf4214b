/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - the assertions of the C unit tests: each failed check prints where
 * and why and the test goes on, so one run shows every failure; main returns
 * check_exit().
 */
#ifndef LT_CHECK_H
#define LT_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                                \
		}                                                                        \
	} while (0)

/* |got - want| <= tol, printing both on failure */
#define CHECK_NEAR(got, want, tol)                                                       \
	do {                                                                             \
		double g_ = (got), w_ = (want);                                          \
		if (!(fabs(g_ - w_) <= (tol))) {                                         \
			fprintf(stderr, "%s:%d: %s = %.10g, want %.10g (tol %g)\n", __FILE__, \
				__LINE__, #got, g_, w_, (double)(tol));                  \
			check_failures++;                                                \
		}                                                                        \
	} while (0)

#define CHECK_STR(got, want)                                                             \
	do {                                                                             \
		const char *g_ = (got), *w_ = (want);                                    \
		if (!g_ || strcmp(g_, w_)) {                                             \
			fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
				#got, g_ ? g_ : "(null)", w_);                           \
			check_failures++;                                                \
		}                                                                        \
	} while (0)

static inline int check_exit(const char *name)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
		return 1;
	}
	printf("%s: ok\n", name);
	return 0;
}

#endif
