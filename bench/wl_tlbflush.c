// SPDX-License-Identifier: GPL-2.0
/*
 * wl_tlbflush.c - tlbflush: one thread touches every page of an aligned region and
 * zaps it, with madvise(MADV_DONTNEED) or munmap (will-it-scale tlb_flush2 style),
 * while threads of the same mm on the other CPUs spin in user mode (flush IPIs
 * to user CPUs) or nap (the CPUs idle holding the mm lazily).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "workload.h"

enum { C_MADVISE, C_MUNMAP, C_PAGES, C_MOVED };
enum { MODE_DONTNEED, MODE_MUNMAP, MODE_PUNCH };
enum { THP_DEFAULT, THP_ON, THP_OFF };

#define ALIGN_2M (2UL << 20)

struct tlbflush {
	char *region;
	size_t size, page;
	int mode, thp;
};

static int apply_thp(struct tlbflush *s)
{
	if (s->thp == THP_DEFAULT)
		return 0;
	return madvise(s->region, s->size, s->thp == THP_ON ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
}

static int tlbflush_setup(struct wl_ctx *c)
{
	struct tlbflush *s = c->priv;

	s->page = (size_t)sysconf(_SC_PAGESIZE);
	s->size = wl_u64(c, "size");
	s->mode = wl_choice(c, "mode");
	s->thp = wl_choice(c, "thp");
	if (!s->size || s->size % s->page)
		return wl_usage(c, "size must be a non-zero multiple of the page size (%zu)", s->page);
	s->region = wl_map_aligned(s->size, ALIGN_2M);
	if (!s->region)
		return wl_fail(c, "mmap %zu bytes: %s", s->size, strerror(errno));
	if (apply_thp(s))
		return wl_fail(c, "madvise(thp=%s): %s", wl_str(c, "thp"), strerror(errno));
	return 0;
}

/* Map the region again where it was (or anywhere aligned if that is taken). */
static int remap(struct wl_thread *t, struct tlbflush *s)
{
	void *p = mmap(s->region, s->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != s->region) {
		if (p != MAP_FAILED)
			munmap(p, s->size); /* a kernel without MAP_FIXED_NOREPLACE: a hint */
		p = wl_map_aligned(s->size, ALIGN_2M);
		if (!p)
			return wl_fail(t->ctx, "mmap %zu bytes: %s", s->size, strerror(errno));
		t->cnt[C_MOVED]++;
		s->region = p;
	}
	if (apply_thp(s))
		return wl_fail(t->ctx, "madvise(thp): %s", strerror(errno));
	return 0;
}

static int zap(struct wl_thread *t, struct tlbflush *s)
{
	if (s->mode == MODE_DONTNEED || s->mode == MODE_PUNCH) {
		/* punch: all but the first page, so no PTE table empties and none is freed (6.15+
		 * PT_RECLAIM frees empty ones on MADV_DONTNEED) */
		size_t skip = s->mode == MODE_PUNCH ? s->page : 0;

		if (madvise(s->region + skip, s->size - skip, MADV_DONTNEED))
			return wl_fail(t->ctx, "madvise(MADV_DONTNEED): %s", strerror(errno));
		t->cnt[C_MADVISE]++;
	} else {
		if (munmap(s->region, s->size))
			return wl_fail(t->ctx, "munmap: %s", strerror(errno));
		t->cnt[C_MUNMAP]++;
	}
	return 0;
}

static void *flusher(struct wl_thread *t)
{
	struct tlbflush *s = t->ctx->priv;
	struct wl_pace pace;

	wl_pace_init(&pace, wl_u64(t->ctx, "rate"));
	while (!wl_stopped(t)) {
		for (size_t off = 0; off < s->size; off += s->page)
			((volatile char *)s->region)[off] = 1;
		t->cnt[C_PAGES] += s->size / s->page;
		if (zap(t, s))
			break;
		t->ops++;
		if (s->mode == MODE_MUNMAP && remap(t, s))
			break;
		wl_pace_wait(&pace, t);
	}
	return NULL;
}

static int tlbflush_run(struct wl_ctx *c)
{
	return wl_go_leader(c, flusher);
}

static void tlbflush_cleanup(struct wl_ctx *c)
{
	struct tlbflush *s = c->priv;

	if (s->region)
		munmap(s->region, s->size);
}

static const struct wl_param_desc tlbflush_params[] = {
	{ "mode", WL_P_ENUM, "dontneed", "dontneed|munmap|punch",
	  "zap with madvise(MADV_DONTNEED), or munmap and map again at the same address, or punch: "
	  "MADV_DONTNEED all but the first page (frees no page table on any kernel)" },
	{ "size", WL_P_SIZE, "2M", NULL, "region size, bytes (2 MiB aligned, every page touched before each zap)" },
	{ "thp", WL_P_ENUM, "default", "default|on|off",
	  "madvise the region MADV_HUGEPAGE (on) or MADV_NOHUGEPAGE (off), or leave the system setting" },
	WL_PARAMS_OTHERS("busy"),
	WL_PARAM_RATE,
	{ NULL },
};

static const char *const tlbflush_counters[] = { "madvise_calls", "munmaps", "pages_touched", "remaps_moved", NULL };

const struct workload wl_tlbflush = {
	.name = "tlbflush",
	.summary = "one thread touches and zaps (MADV_DONTNEED/munmap) a region while the others spin or nap",
	.ops_unit = "zaps",
	.threads_help = "the zapping thread (first CPU) plus threads-1 others on the next CPUs round-robin "
			"(default: one per CPU)",
	.params = tlbflush_params,
	.counters = tlbflush_counters,
	.priv_size = sizeof(struct tlbflush),
	.setup = tlbflush_setup,
	.run = tlbflush_run,
	.cleanup = tlbflush_cleanup,
};
