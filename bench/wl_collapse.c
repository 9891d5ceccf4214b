// SPDX-License-Identifier: GPL-2.0
/*
 * wl_collapse.c - collapse: fault a PMD-aligned anonymous region in as small
 * pages, madvise(MADV_COLLAPSE) it into a huge page (the kernel's
 * tlb_remove_table_sync_one() IPIs on the way), zap it, repeat; the threads on
 * the other CPUs nap or spin. Kernels without MADV_COLLAPSE (EINVAL) fail setup
 * with a clear reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "workload.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

enum { C_FAILURES, C_EAGAIN, C_ENOMEM, C_OTHER, C_PAGES };

struct collapse {
	char *region;
	size_t size, page;
	int last_errno;
};

static size_t pmd_size(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	unsigned long v = 0;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v ? v : 2UL << 20;
}

/* One cycle: small pages in, collapse; returns madvise(MADV_COLLAPSE)'s 0 or errno,
 * or -1 with wl_fail for the setup steps. */
static int cycle(struct wl_ctx *c, struct collapse *s, uint64_t *pages)
{
	int rc = 0;

	if (madvise(s->region, s->size, MADV_DONTNEED) || madvise(s->region, s->size, MADV_NOHUGEPAGE))
		return wl_fail(c, "madvise(MADV_DONTNEED/NOHUGEPAGE): %s%s", strerror(errno),
			       errno == EINVAL ? " (no transparent huge page support)" : "");
	for (size_t off = 0; off < s->size; off += s->page)
		((volatile char *)s->region)[off] = 1;
	*pages += s->size / s->page;
	if (madvise(s->region, s->size, MADV_HUGEPAGE))
		return wl_fail(c, "madvise(MADV_HUGEPAGE): %s", strerror(errno));
	if (madvise(s->region, s->size, MADV_COLLAPSE))
		rc = errno;
	return rc;
}

static int collapse_setup(struct wl_ctx *c)
{
	struct collapse *s = c->priv;
	uint64_t pages = 0;
	int rc;

	s->page = (size_t)sysconf(_SC_PAGESIZE);
	s->size = pmd_size();
	s->region = wl_map_aligned(s->size, s->size);
	if (!s->region)
		return wl_fail(c, "mmap %zu bytes: %s", s->size, strerror(errno));
	rc = cycle(c, s, &pages); /* probe */
	if (rc == EINVAL)
		return wl_fail(c, "MADV_COLLAPSE not supported by this kernel (EINVAL): needs Linux 6.1+ "
				  "with CONFIG_TRANSPARENT_HUGEPAGE");
	return rc < 0 ? -1 : 0;
}

static void *collapser(struct wl_thread *t)
{
	struct collapse *s = t->ctx->priv;

	while (!wl_stopped(t)) {
		int rc = cycle(t->ctx, s, &t->cnt[C_PAGES]);

		if (rc < 0)
			break;
		if (!rc) {
			t->ops++;
			continue;
		}
		t->cnt[C_FAILURES]++;
		t->cnt[rc == EAGAIN ? C_EAGAIN : rc == ENOMEM ? C_ENOMEM : C_OTHER]++;
		s->last_errno = rc;
	}
	return NULL;
}

static int collapse_run(struct wl_ctx *c)
{
	return wl_go_leader(c, collapser);
}

static void collapse_report(struct wl_ctx *c, struct json *res)
{
	struct collapse *s = c->priv;

	json_set(res, "supported", json_bool(true));
	json_set(res, "region_bytes", json_u64(s->size));
	json_set(res, "last_failure", s->last_errno ? json_string(strerror(s->last_errno)) : json_null());
}

static void collapse_cleanup(struct wl_ctx *c)
{
	struct collapse *s = c->priv;

	if (s->region)
		munmap(s->region, s->size);
}

static const struct wl_param_desc collapse_params[] = {
	WL_PARAMS_OTHERS("sleep"),
	{ NULL },
};

static const char *const collapse_counters[] = { "collapse_failures", "failures_eagain", "failures_enomem",
						 "failures_other", "pages_touched", NULL };

const struct workload wl_collapse = {
	.name = "collapse",
	.summary = "madvise(MADV_COLLAPSE) a touched PMD-sized region of small pages, zap, repeat",
	.ops_unit = "collapses",
	.ops_counter = "collapses",
	.threads_help = "the collapsing thread (first CPU) plus threads-1 others on the next CPUs round-robin "
			"(default: one per CPU)",
	.params = collapse_params,
	.counters = collapse_counters,
	.priv_size = sizeof(struct collapse),
	.setup = collapse_setup,
	.run = collapse_run,
	.report = collapse_report,
	.cleanup = collapse_cleanup,
};
