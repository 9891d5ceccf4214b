// SPDX-License-Identifier: GPL-2.0
/*
 * sweep_report.c - DIR/report.md of `lazytlb vm sweep` (sweep_report.h): tables, checks and
 * scaling plots from the results of every (kernel, scenario, vCPU count) point.
 *
 * Counts only: under qemu TCG a count is the guest kernel's own (exact), a time is not a
 * hardware time (every vCPU shares the host's CPUs), so the report has no ns; costs in ns come
 * from the host's atomic-cost model (`lazytlb run atomic-cost`, the result's refcount_cost).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/cli.h"
#include "lib/json.h"
#include "plot.h"
#include "plot_int.h"
#include "stats.h"
#include "sweep_report.h"

#define SW_MAX_REPS 32

/* One figure of a rep: the sum of up to four metrics (paths under reps.N.metrics) */
#define SWEEP_VALUES(X)                                                                              \
	X(V_SWITCHES, "switches", "switch.user_to_user", "switch.user_to_kthread", "switch.kthread_to_user", \
	  "switch.kthread_to_kthread")                                                                   \
	X(V_MMDROP, "mm teardowns", "mmdrop.mmdrop", NULL, NULL, NULL)                                  \
	X(V_IPIS, "IPIs", "ipi.sent", NULL, NULL, NULL)                                                  \
	X(V_TLB, "TLB-flush IPIs", "ipi.by_cause.tlb_flush", NULL, NULL, NULL)                           \
	X(V_RFLUSH, "remote flushes", "tlb_flush.remote.flushes", NULL, NULL, NULL)                      \
	X(V_SHOOT, "shoot-lazy IPIs", "mmdrop.shoot_lazy_ipis", NULL, NULL, NULL)                        \
	X(V_SHOOT_TO, "to lazy CPUs (sender)", "mmdrop.shoot_lazy_ipis_to_lazy", NULL, NULL, NULL)       \
	X(V_SHOOT_FOUND, "CPUs found lazy (receiver)", "mmdrop.shoot_lazy_found_lazy", NULL, NULL, NULL) \
	X(V_EFL, "exit-flush IPIs", "ipi.by_cause.exit_flush_lazy", NULL, NULL, NULL)                    \
	X(V_EFL_SW, "CPUs moved off by exit-flush", "lazy.exit_flush_switches", NULL, NULL, NULL)        \
	X(V_EFL_TO, "exit-flush to lazy CPUs (sender)", "whatif.target-lazy.by_cause.exit_flush_lazy.kept_on_purpose", \
	  NULL, NULL, NULL)                                                                              \
	X(V_EFL_RUN, "exit-flush runs", "mmdrop.exit_flush_lazy_calls", NULL, NULL, NULL)               \
	X(V_ATOM, "refcount atomics", "lazy.refcount_atomics", NULL, NULL, NULL)                         \
	X(V_GRABS, "lazy grabs (all)", "lazy.grabs_all", NULL, NULL, NULL)                               \
	X(V_DROPS, "lazy drops (all)", "lazy.drops_all", NULL, NULL, NULL)                               \
	X(V_SHARE_SUM, "sharing sum", "lazy.sharing.sum", NULL, NULL, NULL)                              \
	X(V_SHARE_N, "sharing count", "lazy.sharing.count", NULL, NULL, NULL)

enum {
#define X(id, head, p1, p2, p3, p4) id,
	SWEEP_VALUES(X)
#undef X
	V_OPS,
	NV
};

static const struct {
	const char *head, *path[4];
} vals[] = {
#define X(id, head, p1, p2, p3, p4) [id] = { head, { p1, p2, p3, p4 } },
	SWEEP_VALUES(X)
#undef X
};

/* the table's columns: a value per op (or per switch), or the sharing mean */
enum den { PER_OP, PER_SWITCH, PER_RFLUSH, SHARING_MEAN };
static const int den_value[] = { [PER_OP] = V_OPS, [PER_SWITCH] = V_SWITCHES, [PER_RFLUSH] = V_RFLUSH,
				 [SHARING_MEAN] = V_SHARE_N };
static const char *const den_name[] = { [PER_OP] = "op", [PER_SWITCH] = "switch", [PER_RFLUSH] = "remote flush" };
static const struct {
	int v;
	enum den den;
} tcols[] = {
	{ V_SWITCHES, PER_OP }, { V_MMDROP, PER_OP }, { V_IPIS, PER_OP },	    { V_TLB, PER_OP },	     { V_SHOOT, PER_OP },
	{ V_SHOOT_TO, PER_OP }, { V_SHOOT_FOUND, PER_OP }, { V_EFL, PER_OP },	     { V_EFL_TO, PER_OP }, { V_EFL_SW, PER_OP },
	{ V_ATOM, PER_OP },	{ V_GRABS, PER_OP },	    { V_DROPS, PER_OP },     { V_ATOM, PER_SWITCH },
	{ V_TLB, PER_RFLUSH },	{ V_SHARE_SUM, SHARING_MEAN },
};
#define NTCOLS (sizeof(tcols) / sizeof(tcols[0]))

/* The plots the seeds' question needs, each for the scenarios of one workload: per exit the
 * shoot-lazy and exit-flush IPIs and the CPUs they reach, per context switch the refcount
 * atomics and the CPUs sharing the mm, per munmap the TLB IPIs; every kernel on one plot. */
static const struct sweep_plot {
	const char *workload, *name, *title, *ylabel;
	enum den den;
	int v[4];
} splots[] = {
	{ "exit-lazy", "exit_ipis", "shoot-lazy and exit-flush IPIs per exit, and the lazy CPUs they reach",
	  "per exit", PER_OP, { V_SHOOT, V_SHOOT_FOUND, V_EFL, V_EFL_SW } },
	{ "ctxsw", "switch_atomics", "lazy mm refcount atomics per context switch", "per context switch", PER_SWITCH,
	  { V_ATOM, -1, -1, -1 } },
	{ "ctxsw", "switch_sharing", "CPUs sharing the mm at a lazy grab or drop (mm_cpumask)", "CPUs (mean)",
	  SHARING_MEAN, { V_SHARE_SUM, -1, -1, -1 } },
	{ "tlbflush-munmap", "munmap_tlb", "TLB-flush IPIs per munmap", "per munmap", PER_OP, { V_TLB, -1, -1, -1 } },
	{ "tlbflush-munmap", "flush_cpus", "TLB-flush IPIs per remote TLB flush: the CPUs each flush reaches",
	  "per remote flush", PER_RFLUSH, { V_TLB, -1, -1, -1 } },
};

struct point {
	bool ok;
	char why[160];
	char scheme[16], workload[32];
	bool broadcast; /* cleanup_lazy_tlbs IPIs every online CPU (point_checks) */
	bool ppc; /* powerpc radix: exit-flush IPIs (ppc_checks) */
	unsigned int smp, cpus; /* vCPUs asked, CPUs the guest ran (host.nr_cpus) */
	double dur_s; /* each rep's duration (scenario.duration_s) */
	size_t nreps;
	double ops[SW_MAX_REPS];
	double v[SW_MAX_REPS][NV]; /* NAN: not measured */
};

static double metric_sum(const struct json *m, int id)
{
	double s = 0;

	for (int k = 0; k < 4 && vals[id].path[k]; k++) {
		const struct json *x = json_path(m, vals[id].path[k]);

		if (!x || !json_is_number(x))
			return NAN;
		s += json_as_double(x);
	}
	return s;
}

static void load_point(struct point *p, const char *path, unsigned int smp)
{
	char err[256];
	struct json *r = json_parse_file(path, err, sizeof(err));
	const struct json *reps = r ? json_get(r, "reps") : NULL, *s;

	memset(p, 0, sizeof(*p));
	p->smp = smp;
	if (!reps || !json_len(reps)) {
		snprintf(p->why, sizeof(p->why), "%s", r ? "no reps" : err);
		json_free(r);
		return;
	}
	s = json_path(r, "kernel.lazy_tlb_scheme");
	snprintf(p->scheme, sizeof(p->scheme), "%s", json_as_string(s) ? json_as_string(s) : "?");
	s = json_path(r, "host.arch");
	p->broadcast = !strcmp(p->scheme, "shootdown") && json_as_string(s) && !strcmp(json_as_string(s), "x86_64");
	p->ppc = json_as_string(s) && !strncmp(json_as_string(s), "ppc64", 5);
	s = json_path(r, "host.nr_cpus");
	p->cpus = s && json_is_number(s) ? (unsigned int)json_as_u64(s) : 0;
	s = json_path(r, "scenario.duration_s");
	p->dur_s = s && json_is_number(s) ? json_as_double(s) : NAN;
	s = json_path(r, "scenario.workload");
	snprintf(p->workload, sizeof(p->workload), "%s", json_as_string(s) ? json_as_string(s) : "?");
	for (size_t i = 0; i < json_len(reps) && p->nreps < SW_MAX_REPS; i++) {
		const struct json *rep = json_at(reps, i), *o = json_path(rep, "workload.ops");
		const struct json *m = json_get(rep, "metrics");

		p->ops[p->nreps] = o && json_is_number(o) ? json_as_double(o) : 0;
		for (int v = 0; v < V_OPS; v++)
			p->v[p->nreps][v] = m ? metric_sum(m, v) : NAN;
		p->v[p->nreps][V_OPS] = p->ops[p->nreps];
		p->nreps++;
	}
	p->ok = true;
	json_free(r);
}

/* One rep's figure in a column's unit; NAN when not measured or nothing to divide by */
static double rep_value(const struct point *p, size_t i, int v, enum den den)
{
	const double *x = p->v[i];
	double d = x[den_value[den]];

	if (den == SHARING_MEAN)
		v = V_SHARE_SUM;
	return isnan(x[v]) || isnan(d) || d <= 0 ? NAN : x[v] / d;
}

/* The figure over all reps (sums divided, not a mean of ratios) */
static double point_value(const struct point *p, int v, enum den den)
{
	double num = 0, d = 0;

	if (den == SHARING_MEAN)
		v = V_SHARE_SUM;
	for (size_t i = 0; i < p->nreps; i++) {
		const double *x = p->v[i];
		double di = x[den_value[den]];

		if (isnan(x[v]) || isnan(di))
			return NAN;
		num += x[v], d += di;
	}
	return d > 0 ? num / d : NAN;
}

static int nchecks, nfailed;

static bool check(FILE *f, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool check(FILE *f, bool ok, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	nfailed += !ok;
	fprintf(f, "- %s ", ok ? "ok:" : "**FAILED:**");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	return ok;
}

/*
 * The identities of one point, rep by rep:
 *  - refcount atomics = lazy grabs + lazy drops of every site (metrics_lazy.c) on a refcount
 *    kernel, 0 on a shootdown kernel;
 *  - the grabs and drops balance: counted at different hooks, their difference is only the
 *    change in lazy references held between the window's edges (one per CPU at most, plus
 *    exiting tasks not yet switched out): a site missed on one side grows with the ops;
 *  - exit-lazy, shootdown kernels: the CPUs the freed mm was lazy on, counted by the sender at
 *    each request (its view of the target's last switch) and by the receiver on arrival
 *    (do_shoot_lazy_tlb's own test, kernel/fork.c 6.12), agree; and the shoot-lazy IPIs are
 *    those CPUs, give or take a few: exit-lazy leaves every other CPU lazy on the child's mm
 *    (its threads napped there), and cleanup_lazy_tlbs IPIs mm_cpumask (6.12 mainline) or,
 *    on the custom x86 shootdown kernel, every online CPU (x86 clears a lazy CPU from
 *    mm_cpumask while its active_mm stays: kernels-config/custom/x86-lazy-tlb-shootdown.patch),
 *    so a CPU that ran something else at the exit (the parent) takes an IPI it did not need,
 *    and so does every CPU at the teardown of an mm not the workload's (a guest shell's
 *    child: mm teardowns above the exits), each at most one IPI per other online CPU.
 *    On that broadcast kernel (any x86 shootdown kernel: 6.12 arch/x86/Kconfig selects no
 *    MMU_LAZY_TLB_SHOOTDOWN, only the patch does) the IPIs are exactly one per other online
 *    CPU per teardown, lazy or not, while the mm may be lazy on few CPUs by its __mmdrop: so
 *    there the IPIs are checked against the teardowns and the lazy CPUs against the IPIs.
 */
/*
 * powerpc radix (arch/powerpc/mm/book3s64/radix_tlb.c, 6.12): exit_flush_lazy_tlbs() IPIs
 * mm_cpumask with do_exit_flush_lazy_tlb, whose exit_lazy_flush_tlb() moves a CPU lazy on the
 * mm to init_mm (mmgrab_lazy_tlb(&init_mm), mmdrop_lazy_tlb(mm)) and takes it out of
 * mm_cpumask. radix__tlb_flush calls it at exit_mmap (fullmm) only with
 * MMU_LAZY_TLB_SHOOTDOWN; flush_type_needed() calls it on both schemes when a single-threaded
 * mm flushes itself and at every 1073rd flush of a CPU (tick_and_test_trim_clock). Rep by rep:
 *  - IPIs queued (csd_queue_cpu) = handler runs (its function hook, on the target):
 *    smp_call_function_many runs nothing on the sender (no SCF_RUN_LOCAL, kernel/smp.c 6.12)
 *    and nothing calls do_exit_flush_lazy_tlb but the IPI; 2% + 2 for the window's edges;
 *  - the CPUs moved off the mm <= the runs: a run moves only its own CPU;
 *  - exit-lazy on a shootdown kernel: the CPUs lazy on the exiting mm, by the sender at each
 *    request (the what-if target-lazy count: idle or a kernel thread whose active_mm is the
 *    mm) = by the receiver (exit_lazy_flush_tlb's own test, current->active_mm == mm), 2% + 2.
 *    Not for the trims' IPIs: the sender's view is at the request, and a CPU another trim of
 *    the same mm is moving off still looks lazy to it (the Debian 6.12 sweep, ctxsw at 128
 *    vCPUs: 1754 trim IPIs, 935 to lazy CPUs by the sender, 111 by the receiver). A refcount
 *    kernel's exit sends none: its exit-flush IPIs are all trims.
 */
static void ppc_checks(FILE *f, const char *k, const char *scen, const struct point *p, size_t i)
{
	const double *x = p->v[i];

	if (isnan(x[V_EFL]) || isnan(x[V_EFL_RUN]))
		return;
	check(f, fabs(x[V_EFL] - x[V_EFL_RUN]) <= 0.02 * x[V_EFL] + 2,
	      "%s %s %u vCPUs rep %zu: exit-flush IPIs sent %.0f = do_exit_flush_lazy_tlb runs %.0f (2%% + 2)", k,
	      scen, p->smp, i, x[V_EFL], x[V_EFL_RUN]);
	if (isnan(x[V_EFL_SW]))
		return;
	check(f, x[V_EFL_SW] <= x[V_EFL_RUN], "%s %s %u vCPUs rep %zu: CPUs moved off by exit flush %.0f <= its runs %.0f",
	      k, scen, p->smp, i, x[V_EFL_SW], x[V_EFL_RUN]);
	if (strcmp(p->workload, "exit-lazy") || strcmp(p->scheme, "shootdown") || isnan(x[V_EFL_TO]))
		return;
	check(f, fabs(x[V_EFL_TO] - x[V_EFL_SW]) <= 0.02 * x[V_EFL_SW] + 2,
	      "%s %s %u vCPUs rep %zu: CPUs lazy on the mm at exit flush, sender %.0f = receiver %.0f (2%% + 2)", k, scen,
	      p->smp, i, x[V_EFL_TO], x[V_EFL_SW]);
}

static void point_checks(FILE *f, const char *k, const char *scen, const struct point *p)
{
	bool refc = !strcmp(p->scheme, "refcount");

	for (size_t i = 0; i < p->nreps; i++) {
		const double *x = p->v[i];
		double want = refc ? x[V_GRABS] + x[V_DROPS] : 0, d = fabs(x[V_GRABS] - x[V_DROPS]), other;

		check(f, !isnan(want) && x[V_ATOM] == want,
		      "%s %s %u vCPUs rep %zu: refcount atomics %.0f = %s %.0f (grabs %.0f + drops %.0f, %s)", k, scen,
		      p->smp, i, x[V_ATOM], refc ? "grabs + drops" : "none on", want, x[V_GRABS], x[V_DROPS],
		      p->scheme);
		check(f, !isnan(d) && d <= 2.0 * p->cpus + 2,
		      "%s %s %u vCPUs rep %zu: grabs %.0f and drops %.0f differ by %.0f <= 2 x vCPUs + 2", k, scen, p->smp,
		      i, x[V_GRABS], x[V_DROPS], d);
		if (p->ppc)
			ppc_checks(f, k, scen, p, i);
		/* cleanup_lazy_tlbs returns before any IPI without MMU_LAZY_TLB_SHOOTDOWN (kernel/fork.c
		 * 6.4-6.12), and there is no shootdown before 6.4 */
		if (refc && !isnan(x[V_SHOOT]))
			check(f, x[V_SHOOT] == 0 && (isnan(x[V_SHOOT_FOUND]) || x[V_SHOOT_FOUND] == 0),
			      "%s %s %u vCPUs rep %zu: no shoot-lazy IPIs on a refcount kernel (%.0f sent, %.0f found lazy)",
			      k, scen, p->smp, i, x[V_SHOOT], x[V_SHOOT_FOUND]);
		if (strcmp(p->workload, "exit-lazy") || refc || isnan(x[V_SHOOT]) || isnan(x[V_SHOOT_FOUND]))
			continue;
		check(f, !isnan(x[V_SHOOT_TO]) && fabs(x[V_SHOOT_TO] - x[V_SHOOT_FOUND]) <= 0.02 * x[V_SHOOT_FOUND] + 2,
		      "%s %s %u vCPUs rep %zu: CPUs lazy on the freed mm, sender %.0f = receiver %.0f (2%% + 2)", k, scen,
		      p->smp, i, x[V_SHOOT_TO], x[V_SHOOT_FOUND]);
		if (p->broadcast) {
			double all = (isnan(x[V_MMDROP]) ? 0 : x[V_MMDROP]) * (p->cpus - 1.0);

			check(f, x[V_SHOOT_FOUND] <= x[V_SHOOT] && fabs(x[V_SHOOT] - all) <= 0.02 * all + 2,
			      "%s %s %u vCPUs rep %zu: shoot-lazy IPIs %.0f = %.0f mm teardowns x %u other CPUs "
			      "(broadcast, 2%% + 2), %.0f of them found the CPU lazy (%.3f vs %.3f per exit)",
			      k, scen, p->smp, i, x[V_SHOOT], x[V_MMDROP], p->cpus - 1, x[V_SHOOT_FOUND],
			      x[V_SHOOT] / x[V_OPS], x[V_SHOOT_FOUND] / x[V_OPS]);
			continue;
		}
		other = fmax(0, (isnan(x[V_MMDROP]) ? 0 : x[V_MMDROP]) - x[V_OPS]) * (p->cpus - 1.0);
		check(f, x[V_SHOOT_FOUND] <= x[V_SHOOT] && x[V_SHOOT] - x[V_SHOOT_FOUND] <= other + 0.02 * x[V_SHOOT] + 2,
		      "%s %s %u vCPUs rep %zu: shoot-lazy IPIs %.0f = CPUs found lazy %.0f (+ %.0f for %.0f other mm "
		      "teardowns, 2%% + 2; %.3f vs %.3f per exit)",
		      k, scen, p->smp, i, x[V_SHOOT], x[V_SHOOT_FOUND], other, other / (p->cpus > 1 ? p->cpus - 1 : 1),
		      x[V_SHOOT] / x[V_OPS], x[V_SHOOT_FOUND] / x[V_OPS]);
	}
}

static const char *col_head(size_t c)
{
	static char buf[96];

	if (tcols[c].den == SHARING_MEAN)
		return "CPUs sharing the mm (mean)";
	snprintf(buf, sizeof(buf), "%s/%s", vals[tcols[c].v].head, den_name[tcols[c].den]);
	return buf;
}

static void point_path(char *buf, size_t len, const struct sweep_def *d, int k, int s, int p)
{
	snprintf(buf, len, "%s/%s/smp%u/%s.json", d->dir, d->kernels[k], d->smp[p], d->scens[s]);
}

static void table(FILE *f, const struct sweep_def *d, int s, int k, struct point *pts)
{
	fprintf(f, "\n### %s: %s (%s)\n\n| vCPUs | reps x s | ops |", d->scens[s], d->kernels[k],
		pts[0].ok ? pts[0].scheme : "?");
	for (size_t c = 0; c < NTCOLS; c++)
		fprintf(f, " %s |", col_head(c));
	fprintf(f, "\n|---|---|---|");
	for (size_t c = 0; c < NTCOLS; c++)
		fputs("---|", f);
	fputc('\n', f);
	for (int p = 0; p < d->np; p++) {
		const struct point *pt = &pts[p];
		double ops = 0;

		if (!pt->ok) {
			fprintf(f, "| %u | no result (%s) |\n", d->smp[p], pt->why);
			continue;
		}
		for (size_t i = 0; i < pt->nreps; i++)
			ops += pt->ops[i];
		fprintf(f, "| %u", d->smp[p]);
		if (pt->cpus != d->smp[p])
			fprintf(f, " (ran %u)", pt->cpus);
		fprintf(f, " | %zu x %g | %.0f |", pt->nreps, pt->dur_s, ops);
		for (size_t c = 0; c < NTCOLS; c++) {
			double v = point_value(pt, tcols[c].v, tcols[c].den);

			fprintf(f, isnan(v) ? " - |" : " %.3f |", v);
		}
		fputc('\n', f);
	}
}

/* One plot's series: x, mean and sd over the reps of each point (*n of them); whether any is
 * not zero */
static bool series_points(const struct point *pts, int np, int v, enum den den, double (*xy)[3], int *n)
{
	bool any = false;
	double r[SW_MAX_REPS];

	*n = 0;
	for (int p = 0; p < np; p++) {
		size_t k = 0;
		struct stats_summary st;

		for (size_t i = 0; pts[p].ok && i < pts[p].nreps; i++)
			if (!isnan(r[k] = rep_value(&pts[p], i, v, den)))
				k++;
		if (!k)
			continue;
		st = stats_summarize(r, k);
		xy[*n][0] = pts[p].cpus, xy[*n][1] = st.mean, xy[*n][2] = st.sd;
		any = any || st.mean != 0;
		(*n)++;
	}
	return any;
}

static int write_plot(const struct sweep_def *d, const struct sweep_plot *sp, struct point *pts, struct plot_jobs *jobs,
		      const char *tmpl_dir, char *left_out, size_t lolen)
{
	double xy[SW_MAX_REPS][3];
	int series = 0, n;
	struct plot_job *j;
	FILE *f = plot_dat_open(d->dir, sp->name, sp->title);

	if (!f)
		return LT_EXIT_FAIL;
	/* a figure zero at every point of every kernel is a mechanism none of them has (exit-flush
	 * IPIs on x86): left out; zero on one kernel and not on another is the contrast: drawn */
	for (int m = 0; m < 4 && sp->v[m] >= 0; m++) {
		bool nonzero = false;

		for (int k = 0; k < d->nk; k++)
			nonzero = series_points(&pts[k * d->np], d->np, sp->v[m], sp->den, xy, &n) || nonzero;
		for (int k = 0; k < d->nk; k++) {
			const struct point *kp = &pts[k * d->np];
			char label[256];

			snprintf(label, sizeof(label), "%s (%s): %s", d->kernels[k], kp->ok ? kp->scheme : "?",
				 sp->den == SHARING_MEAN ? "CPUs sharing the mm" : vals[sp->v[m]].head);
			series_points(kp, d->np, sp->v[m], sp->den, xy, &n);
			if (!nonzero || !n) {
				size_t l = strlen(left_out);

				snprintf(left_out + l, lolen - l, "%s%s", l ? "; " : "", label);
				continue;
			}
			fputs(series ? "\n\n\"x\" " : "\"x\" ", f);
			plot_put_label(f, label);
			fputs(" \"stddev\"\n", f);
			for (int i = 0; i < n; i++)
				fprintf(f, "%.17g %.17g %.17g\n", xy[i][0], xy[i][1], xy[i][2]);
			series++;
		}
	}
	if (plot_dat_close(f, d->dir, sp->name))
		return LT_EXIT_FAIL;
	if (!series)
		return 0;
	j = plot_job_new(jobs, sp->name, "scaling.gp", "Scaling");
	plot_job_var(j, "N", false, "%d", series);
	plot_job_var(j, "TITLE", true, "%s", sp->title);
	plot_job_var(j, "XLABEL", true, "CPUs of the guest (qemu TCG)");
	plot_job_var(j, "YLABEL", true, "%s", sp->ylabel);
	plot_job_var(j, "LOGX", false, "2");
	plot_job_var(j, "KEY", true, "below height 1");
	return plot_render(j, d->dir, tmpl_dir, 900, 600, d->render);
}

/* A scenario's tables, checks and plots */
static int scenario_section(FILE *f, const struct sweep_def *d, int s, struct plot_jobs *jobs, const char *tmpl_dir)
{
	struct point *pts = calloc((size_t)d->nk * d->np, sizeof(*pts));
	char path[4300], left[1024];
	int ret = 0;

	if (!pts)
		abort();
	fprintf(f, "\n## %s\n", d->scens[s]);
	for (int k = 0; k < d->nk; k++) {
		for (int p = 0; p < d->np; p++) {
			point_path(path, sizeof(path), d, k, s, p);
			load_point(&pts[k * d->np + p], path, d->smp[p]);
		}
		table(f, d, s, k, &pts[k * d->np]);
	}
	for (size_t i = 0; i < sizeof(splots) / sizeof(splots[0]) && !ret; i++) {
		if (strcmp(splots[i].workload, d->scens[s]))
			continue;
		left[0] = 0;
		ret = write_plot(d, &splots[i], pts, jobs, tmpl_dir, left, sizeof(left));
		fprintf(f, "\n![%s](%s.%s)\n\n%s: per point the mean over the reps, bars one standard deviation.%s%s%s\n",
			splots[i].title, splots[i].name, d->render ? "png" : "gp", splots[i].title, left[0] ? " Not drawn (not measured, or zero on every kernel): " : "",
			left, left[0] ? "." : "");
	}
	fprintf(f, "\n#### Checks\n\n");
	for (int k = 0; k < d->nk; k++)
		for (int p = 0; p < d->np; p++) {
			const struct point *pt = &pts[k * d->np + p];

			if (!check(f, pt->ok, "%s %s %u vCPUs: result read%s%s", d->kernels[k], d->scens[s], pt->smp,
				   pt->ok ? "" : ": ", pt->why))
				continue;
			/* a kernel built with fewer NR_CPUS brings up fewer (vm run refuses that now) */
			check(f, pt->cpus == pt->smp, "%s %s %u vCPUs: the guest ran %u CPUs", d->kernels[k], d->scens[s],
			      pt->smp, pt->cpus);
			point_checks(f, d->kernels[k], d->scens[s], pt);
		}
	free(pts);
	return ret;
}

int sweep_report_write(const struct sweep_def *d, int *failed)
{
	char path[4200], tbuf[4200];
	struct plot_jobs jobs = { 0 };
	const char *tmpl_dir = plot_find_templates(NULL, tbuf, sizeof(tbuf));
	FILE *f;
	int ret = 0;

	nchecks = nfailed = 0;
	if (!tmpl_dir)
		return LT_EXIT_FAIL;
	snprintf(path, sizeof(path), "%s/report.md", d->dir);
	if (!(f = fopen(path, "w")))
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	fprintf(f, "# Lazy TLB costs against vCPUs\n\n"
		   "Each point is one qemu guest with that many vCPUs running the scenario(s), %s rep(s) of %s s "
		   "unless its row says otherwise (DIR/KERNEL/smpN/SCENARIO.json). Figures are per workload op (an exit, a munmap, a ping-pong "
		   "round) or per context switch, summed over the reps before dividing.\n\n"
		   "**Counts are exact under TCG; times are not.** Every count here is the guest kernel's own events as "
		   "the tracer saw them, and holds on hardware for the same code path. TCG runs every vCPU on the "
		   "host's few CPUs, so no time measured in these guests is a hardware time: the report has none. "
		   "What a lazy refcount atomic costs in ns comes from the host's atomic-cost model only "
		   "(`lazytlb run atomic-cost`; each result's `refcount_cost`).\n",
		d->reps, d->dur);
	for (int s = 0; s < d->ns && !ret; s++)
		ret = scenario_section(f, d, s, &jobs, tmpl_dir);
	fprintf(f, "\n## Summary of checks\n\n%d of %d checks held%s\n", nchecks - nfailed, nchecks,
		nfailed ? " (see **FAILED** above)." : ".");
	plot_jobs_free(&jobs);
	if (fclose(f) && !ret)
		ret = lt_err(LT_EXIT_FAIL, "%s: write error", path);
	*failed = nfailed;
	return ret;
}
