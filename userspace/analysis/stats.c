// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - summary statistics and the two tests `compare` uses (see stats.h).
 *
 * Why these tests:
 *  - counters and rates: one value per rep, reps are independent runs whose
 *    variances may differ between kernels, so Welch's t-test (no equal
 *    variance assumption) over the per-rep values;
 *  - latency distributions: each rep yields a histogram of many events, far
 *    more information than one number per rep (and 3-5 per-rep numbers are too
 *    few for a rank test such as Mann-Whitney to ever reach p < 0.05), so the
 *    two-sample Kolmogorov-Smirnov test on the histograms merged over reps.
 */
#include <float.h>
#include <math.h>
#include "stats.h"

struct stats_summary stats_summarize(const double *v, size_t n)
{
	struct stats_summary s = { .n = n };
	double ss = 0;

	if (!n)
		return s;
	for (size_t i = 0; i < n; i++)
		s.mean += v[i];
	s.mean /= (double)n;
	if (n < 2)
		return s;
	/* two passes: the textbook one-pass formula cancels badly for large counts */
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - s.mean) * (v[i] - s.mean);
	s.sd = sqrt(ss / (double)(n - 1));
	return s;
}

struct stats_summary stats_pool(struct stats_summary a, struct stats_summary b)
{
	struct stats_summary s = { .n = a.n + b.n };
	double ss;

	if (!a.n || !b.n)
		return a.n ? a : b;
	s.mean = (a.mean * (double)a.n + b.mean * (double)b.n) / (double)s.n;
	/* within-sample sums of squares plus each sample's offset from the pooled mean */
	ss = a.sd * a.sd * (double)(a.n - 1) + b.sd * b.sd * (double)(b.n - 1) +
	     (double)a.n * (a.mean - s.mean) * (a.mean - s.mean) + (double)b.n * (b.mean - s.mean) * (b.mean - s.mean);
	s.sd = sqrt(ss / (double)(s.n - 1));
	return s;
}

/* Continued fraction of I_x(a, b) (the even/odd terms d_2m, d_2m+1 of the
 * classic expansion), evaluated with the modified Lentz method; converges
 * fast for x < (a + 1) / (a + b + 2). */
static double incbeta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double f = 1, c = 1, d = 0;

	for (int i = 0; i <= 1000; i++) {
		double m = (double)(i / 2), num, cd;

		if (i == 0)
			num = 1;
		else if (i % 2)
			num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
		else
			num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		d = 1 / d;
		c = 1 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		cd = c * d;
		f *= cd;
		if (fabs(1 - cd) < eps)
			break;
	}
	return f - 1;
}

double stats_incbeta(double a, double b, double x)
{
	double lfront;

	if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1))
		return NAN;
	if (x == 0 || x == 1)
		return x;
	/* the fraction converges on the lower side; use the symmetry above it */
	if (x > (a + 1) / (a + b + 2))
		return 1 - stats_incbeta(b, a, 1 - x);
	lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	return exp(lfront) / a * incbeta_cf(a, b, x);
}

double stats_t_two_sided_p(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	/* P(|T| >= t) = I_{df / (df + t^2)}(df / 2, 1 / 2) */
	return stats_incbeta(df / 2, 0.5, df / (df + t * t));
}

struct stats_test stats_welch(struct stats_summary a, struct stats_summary b)
{
	struct stats_test r = { .statistic = NAN, .df = NAN, .p = NAN };
	double va, vb, se2;

	if (a.n < 2 || b.n < 2)
		return r;
	va = a.sd * a.sd / (double)a.n;
	vb = b.sd * b.sd / (double)b.n;
	se2 = va + vb;
	if (se2 == 0) {
		/* identical constant samples, or a certain difference */
		r.statistic = a.mean == b.mean ? 0 : copysign(INFINITY, b.mean - a.mean);
		r.df = (double)(a.n + b.n - 2);
		r.p = a.mean == b.mean ? 1 : 0;
		return r;
	}
	r.statistic = (b.mean - a.mean) / sqrt(se2);
	/* Welch-Satterthwaite */
	r.df = se2 * se2 / (va * va / (double)(a.n - 1) + vb * vb / (double)(b.n - 1));
	r.p = stats_t_two_sided_p(r.statistic, r.df);
	return r;
}

static double binom_logpmf(double k, double n, double pi)
{
	return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * log(pi) + (n - k) * log1p(-pi);
}

double stats_poisson_rates_p(double ca, double sa, double cb, double sb)
{
	double n = round(ca) + round(cb), k = round(ca), pi, obs, p = 0;

	if (!(n > 0) || !(sa > 0) || !(sb > 0))
		return 1;
	pi = sa / (sa + sb);
	if (n > 5000) {
		double z = (fabs(k - n * pi) - 0.5) / sqrt(n * pi * (1 - pi));

		return z <= 0 ? 1 : erfc(z / sqrt(2));
	}
	/* every outcome no likelier than the one seen (1e-7 relative slack for ties) */
	obs = binom_logpmf(k, n, pi);
	for (double j = 0; j <= n; j++) {
		double l = binom_logpmf(j, n, pi);

		if (l <= obs + 1e-7 * fabs(obs))
			p += exp(l);
	}
	return fmin(1, p);
}

double stats_kolmogorov_q(double lambda)
{
	double sum = 0;

	if (isnan(lambda))
		return NAN;
	if (lambda < 0.04)
		return 1; /* 1 - Q < 1e-300 */
	if (lambda < 1.18) {
		/* small lambda: the theta-function form converges in a few terms,
		 * P(K <= l) = sqrt(2 pi) / l * sum exp(-(2j-1)^2 pi^2 / (8 l^2)) */
		double w = -M_PI * M_PI / (8 * lambda * lambda);

		for (int j = 1; j <= 6; j++)
			sum += exp((2 * j - 1) * (2 * j - 1) * w);
		return 1 - sqrt(2 * M_PI) / lambda * sum;
	}
	/* Q(l) = 2 sum (-1)^(j-1) exp(-2 j^2 l^2), alternating and fast for l >= 1.18 */
	for (int j = 1; j <= 100; j++) {
		double term = exp(-2.0 * j * j * lambda * lambda);

		sum += (j % 2 ? term : -term);
		if (term < DBL_EPSILON * sum)
			break;
	}
	sum *= 2;
	return sum < 0 ? 0 : sum > 1 ? 1 : sum;
}

struct stats_test stats_ks_hist(const struct lt_hist *a, const struct lt_hist *b)
{
	struct stats_test r = { .statistic = NAN, .df = NAN, .p = NAN };
	double na = (double)a->count, nb = (double)b->count, ca = 0, cb = 0, ne, sq;

	if (!a->count || !b->count)
		return r;
	r.statistic = 0;
	for (unsigned int i = 0; i < LT_HIST_NR_BUCKETS; i++) {
		double gap;

		ca += (double)a->buckets[i];
		cb += (double)b->buckets[i];
		gap = fabs(ca / na - cb / nb);
		if (gap > r.statistic)
			r.statistic = gap;
	}
	ne = na * nb / (na + nb);
	sq = sqrt(ne);
	r.p = stats_kolmogorov_q((sq + 0.12 + 0.11 / sq) * r.statistic);
	return r;
}
