// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c - stats.c against closed forms and published reference values
 * (Student t and Kolmogorov tables, Wikipedia's Welch example), plus
 * hist_percentile on a known distribution.
 */
#include "analysis/stats.h"
#include "check.h"

static void test_summary(void)
{
	static const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct stats_summary s = stats_summarize(v, 8);

	CHECK(s.n == 8);
	CHECK_NEAR(s.mean, 5, 1e-12);
	CHECK_NEAR(s.sd, sqrt(32.0 / 7), 1e-12); /* sample (n - 1) stddev */
	s = stats_summarize(v, 1);
	CHECK(s.n == 1 && s.mean == 2 && s.sd == 0);
	s = stats_summarize(v, 0);
	CHECK(s.n == 0 && s.mean == 0);
	/* pooling two summaries equals summarizing the union */
	{
		struct stats_summary p = stats_pool(stats_summarize(v, 3), stats_summarize(v + 3, 5));
		struct stats_summary all = stats_summarize(v, 8);

		CHECK(p.n == 8);
		CHECK_NEAR(p.mean, all.mean, 1e-12);
		CHECK_NEAR(p.sd, all.sd, 1e-12);
		p = stats_pool(stats_summarize(v, 1), stats_summarize(v, 0));
		CHECK(p.n == 1 && p.mean == 2);
		p = stats_pool(stats_summarize(v, 1), stats_summarize(v + 7, 1));
		CHECK_NEAR(p.sd, sqrt(24.5), 1e-12); /* {2, 9} */
	}
	/* large counters with a small spread: no cancellation */
	{
		double big[] = { 1e15 + 1, 1e15 + 2, 1e15 + 3 };

		s = stats_summarize(big, 3);
		CHECK_NEAR(s.sd, 1, 1e-6);
	}
}

static void test_incbeta(void)
{
	/* closed forms: I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 - (1-x)^b */
	CHECK_NEAR(stats_incbeta(1, 1, 0.3), 0.3, 1e-14);
	CHECK_NEAR(stats_incbeta(3.5, 1, 0.7), pow(0.7, 3.5), 1e-13);
	CHECK_NEAR(stats_incbeta(1, 4, 0.2), 1 - pow(0.8, 4), 1e-13);
	/* symmetry I_0.5(a,a) = 1/2, on both sides of the switch-over */
	CHECK_NEAR(stats_incbeta(7, 7, 0.5), 0.5, 1e-13);
	CHECK_NEAR(stats_incbeta(0.5, 0.5, 0.5), 0.5, 1e-13);
	/* binomial identity: I_0.3(2,3) = P(Bin(4, 0.3) >= 2) = 0.3483 */
	CHECK_NEAR(stats_incbeta(2, 3, 0.3), 0.3483, 1e-12);
	/* I_x(a,b) + I_1-x(b,a) = 1 */
	CHECK_NEAR(stats_incbeta(2.5, 40, 0.05) + stats_incbeta(40, 2.5, 0.95), 1, 1e-12);
	CHECK(stats_incbeta(1, 1, 0) == 0 && stats_incbeta(1, 1, 1) == 1);
	CHECK(isnan(stats_incbeta(0, 1, 0.5)) && isnan(stats_incbeta(1, 1, 1.5)));
}

static void test_student_t(void)
{
	/* the brief's reference point and t-table critical values */
	CHECK_NEAR(stats_t_two_sided_p(2.0, 10), 0.0734, 5e-5);
	CHECK_NEAR(stats_t_two_sided_p(2.0, 10), 0.07338803, 1e-7);
	CHECK_NEAR(stats_t_two_sided_p(2.228139, 10), 0.05, 1e-6);
	CHECK_NEAR(stats_t_two_sided_p(-2.228139, 10), 0.05, 1e-6);
	CHECK_NEAR(stats_t_two_sided_p(12.7062, 1), 0.05, 1e-5);
	CHECK_NEAR(stats_t_two_sided_p(3.1824, 3), 0.05, 1e-5);
	CHECK_NEAR(stats_t_two_sided_p(2.7764, 4), 0.05, 1e-5);
	CHECK_NEAR(stats_t_two_sided_p(4.6041, 4), 0.01, 1e-5);
	/* df = 1 is Cauchy: p = 1 - 2 atan(t) / pi */
	CHECK_NEAR(stats_t_two_sided_p(1.0, 1), 0.5, 1e-12);
	CHECK_NEAR(stats_t_two_sided_p(3.0, 1), 1 - 2 * atan(3.0) / M_PI, 1e-12);
	/* large df tends to the normal: 1.959964 -> 0.05 */
	CHECK_NEAR(stats_t_two_sided_p(1.959964, 1e7), 0.05, 1e-6);
	CHECK_NEAR(stats_t_two_sided_p(0, 5), 1, 1e-14);
	CHECK(stats_t_two_sided_p(INFINITY, 5) == 0);
	CHECK(isnan(stats_t_two_sided_p(1, 0)));
}

static void test_welch(void)
{
	/* Wikipedia, "Welch's t-test", example 1: t = 2.46, df = 25.0, p = 0.021 */
	static const double a1[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
				     21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4 };
	static const double a2[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
				     24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4 };
	static const double same[] = { 5, 5, 5 }, other[] = { 6, 6, 6 };
	struct stats_test r = stats_welch(stats_summarize(a1, 15), stats_summarize(a2, 15));

	CHECK_NEAR(r.statistic, 2.455356, 1e-5);
	CHECK_NEAR(r.df, 24.98853, 1e-4);
	CHECK_NEAR(r.p, 0.021, 5e-4);
	r = stats_welch(stats_summarize(a2, 15), stats_summarize(a1, 15));
	CHECK_NEAR(r.statistic, -2.455356, 1e-5);
	/* degenerate inputs */
	r = stats_welch(stats_summarize(same, 3), stats_summarize(same, 3));
	CHECK(r.p == 1);
	r = stats_welch(stats_summarize(same, 3), stats_summarize(other, 3));
	CHECK(r.p == 0);
	r = stats_welch(stats_summarize(a1, 1), stats_summarize(a2, 15));
	CHECK(isnan(r.p));
}

static void test_poisson_rates(void)
{
	/* 0 events against 6 in equal time: binomial(6, 1/2), p = 2 / 2^6 */
	CHECK_NEAR(stats_poisson_rates_p(0, 3, 6, 3), 0.03125, 1e-9);
	/* R binom.test(2, 10): 0.109375 */
	CHECK_NEAR(stats_poisson_rates_p(2, 1, 8, 1), 0.109375, 1e-9);
	/* unequal time: binomial(6, 1/3), k = 0: P(0)+P(4)+P(5)+P(6) = 0.18793 */
	CHECK_NEAR(stats_poisson_rates_p(0, 1, 6, 2), 0.187929, 1e-5);
	CHECK(stats_poisson_rates_p(5, 1, 5, 1) == 1);
	CHECK(stats_poisson_rates_p(0, 1, 0, 1) == 1);
	/* normal branch, n = 20300: z = 149.5 / sqrt(5075) = 2.0986, p = 0.03586 */
	CHECK_NEAR(stats_poisson_rates_p(10000, 1, 10300, 1), 0.03586, 2e-4);
	/* rates, not counts: 10000 in 1 s against 20000 in 2 s is one rate */
	CHECK(stats_poisson_rates_p(10000, 1, 20000, 2) > 0.9);
}

static void test_kolmogorov(void)
{
	/* table of the Kolmogorov distribution: Q(1.22385) = 0.10,
	 * Q(1.35810) = 0.05, Q(1.62762) = 0.01; Q(1) = 0.27, Q(0.5) = 0.9639 */
	CHECK_NEAR(stats_kolmogorov_q(1.22385), 0.10, 1e-5);
	CHECK_NEAR(stats_kolmogorov_q(1.35810), 0.05, 1e-5);
	CHECK_NEAR(stats_kolmogorov_q(1.62762), 0.01, 1e-5);
	CHECK_NEAR(stats_kolmogorov_q(1.0), 0.26999967, 1e-7);
	CHECK_NEAR(stats_kolmogorov_q(0.5), 0.96394524, 1e-7);
	/* the two series agree where one hands over to the other */
	CHECK_NEAR(stats_kolmogorov_q(1.18 - 1e-9), stats_kolmogorov_q(1.18 + 1e-9), 1e-8);
	CHECK(stats_kolmogorov_q(0.01) == 1);
	CHECK(stats_kolmogorov_q(10) < 1e-80);
}

/* n values spread evenly over [lo, lo + n) */
static void fill(struct lt_hist *h, __u64 lo, __u64 n)
{
	for (__u64 v = lo; v < lo + n; v++)
		hist_add(h, v);
}

static void test_ks_hist(void)
{
	struct lt_hist a = { 0 }, b = { 0 }, empty = { 0 };
	struct stats_test r;
	double ne, sq;

	/* exact small buckets: a = 25 each of 0,1,2,3; b = 50 of 0, 50 of 3.
	 * CDF gaps after 0,1,2,3: |.25-.5|, |.5-.5|, |.75-.5|, 0 -> D = 0.25 */
	for (int i = 0; i < 25; i++) {
		hist_add(&a, 0), hist_add(&a, 1), hist_add(&a, 2), hist_add(&a, 3);
		hist_add(&b, 0), hist_add(&b, 0), hist_add(&b, 3), hist_add(&b, 3);
	}
	r = stats_ks_hist(&a, &b);
	CHECK_NEAR(r.statistic, 0.25, 1e-12);
	ne = 100.0 * 100 / 200;
	sq = sqrt(ne);
	CHECK_NEAR(r.p, stats_kolmogorov_q((sq + 0.12 + 0.11 / sq) * 0.25), 1e-15);
	/* n1 = n2 = 100, D = 0.25: lambda = 7.2067 * 0.25 = 1.8017, p = 2 exp(-2 lambda^2) = 0.00303 */
	CHECK_NEAR(r.p, 0.00303, 1e-5);

	/* identical distributions: D = 0, p = 1 */
	r = stats_ks_hist(&a, &a);
	CHECK(r.statistic == 0 && r.p == 1);

	/* a shift by 50% of the range over thousands of events is significant,
	 * the same shape at different counts is not */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	fill(&a, 1000, 1000);
	fill(&b, 1500, 1000);
	r = stats_ks_hist(&a, &b);
	CHECK(r.statistic > 0.4 && r.p < 1e-10);
	memset(&b, 0, sizeof(b));
	fill(&b, 1000, 1000);
	fill(&b, 1000, 1000);
	r = stats_ks_hist(&a, &b);
	CHECK(r.statistic < 1e-12 && r.p > 0.99);

	r = stats_ks_hist(&a, &empty);
	CHECK(isnan(r.p));
}

static void test_hist_percentile(void)
{
	struct lt_hist h = { 0 };
	unsigned int b900 = lt_hist_bucket(900);
	double p90;

	fill(&h, 1, 1000);
	p90 = hist_percentile(&h, 0.9);
	CHECK(p90 >= (double)hist_bucket_lo(b900) && p90 <= (double)hist_bucket_hi(b900));
}

int main(void)
{
	test_summary();
	test_incbeta();
	test_student_t();
	test_welch();
	test_poisson_rates();
	test_kolmogorov();
	test_ks_hist();
	test_hist_percentile();
	return check_exit("test_stats");
}
