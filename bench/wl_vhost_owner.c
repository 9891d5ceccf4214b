// SPDX-License-Identifier: GPL-2.0
/*
 * wl_vhost_owner.c - vhost-owner: open /dev/vhost-net, VHOST_SET_OWNER, close; once per op.
 * Before 6.4, SET_OWNER starts a vhost worker, a kernel thread whose first act is
 * kthread_use_mm(owner's mm) and whose last, when close stops it, kthread_unuse_mm
 * (drivers/vhost/vhost.c vhost_worker, 5.10 and 6.1): one use and one unuse per op, the
 * kthread_use_mm path of lazytlb's lazy.use_mm. From 6.4 the worker is a vhost_task that
 * shares the mm as a thread does and calls neither (so 0 there). Needs the vhost_net module
 * (the qemu guests load it when the kernel package has it: vm/guest-modules.sh) and root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "workload.h"

#define VHOST_NET_DEV "/dev/vhost-net"

enum { C_OWNERS };
enum { OTHERS_IDLE, OTHERS_SPIN };

struct vhost_owner {
	struct wl_spinners spinners;
};

static int vhost_owner_setup(struct wl_ctx *c)
{
	struct vhost_owner *s = c->priv;
	int fd = open(VHOST_NET_DEV, O_RDWR);

	if (fd < 0)
		return wl_fail(c, "%s: %s (%s)", VHOST_NET_DEV, strerror(errno),
			       errno == ENOENT ? "load the vhost_net module" : "root needed");
	close(fd);
	return wl_choice(c, "others") == OTHERS_SPIN ? wl_spinners_start(c, &s->spinners) : 0;
}

static void vhost_owner_cleanup(struct wl_ctx *c)
{
	struct vhost_owner *s = c->priv;

	wl_spinners_stop(&s->spinners);
}

static void *owner(struct wl_thread *t)
{
	while (!wl_stopped(t)) {
		int fd = open(VHOST_NET_DEV, O_RDWR);

		if (fd < 0) {
			wl_fail(t->ctx, "%s: %s", VHOST_NET_DEV, strerror(errno));
			break;
		}
		if (ioctl(fd, VHOST_SET_OWNER) < 0) {
			wl_fail(t->ctx, "VHOST_SET_OWNER: %s", strerror(errno));
			close(fd);
			break;
		}
		/* the release stops the worker and waits for it (kthread_stop): its unuse is done */
		close(fd);
		t->cnt[C_OWNERS]++;
		t->ops++;
	}
	return NULL;
}

static int vhost_owner_run(struct wl_ctx *c)
{
	wl_spawn(c, owner, wl_cpu(c, 0), NULL);
	return wl_go(c);
}

/* others=spin: the worker's first run then mostly follows a process of another mm, so its
 * lazy active_mm differs from ours (the grab and drop of kthread_use_mm before 6.4); idle:
 * mostly it follows us (or kthreadd lazy on our mm), and they do not happen */
static const struct wl_param_desc vhost_owner_params[] = {
	{ "others", WL_P_ENUM, "idle", "idle|spin",
	  "the CPUs of -C when the owner does not run: idle, or running a spinning process of another mm" },
	{ NULL },
};

static const char *const vhost_owner_counters[] = { "owners", NULL };

const struct workload wl_vhost_owner = {
	.name = "vhost-owner",
	.summary = "open /dev/vhost-net, set owner, close, repeat: a kernel thread adopts our mm (<6.4)",
	.ops_unit = "vhost devices owned and released",
	.threads_help = "one owner thread on the first CPU; with others=spin a spinner on each of the "
			"first `threads` CPUs (default: one per CPU)",
	.params = vhost_owner_params,
	.counters = vhost_owner_counters,
	.setup = vhost_owner_setup,
	.run = vhost_owner_run,
	.cleanup = vhost_owner_cleanup,
	.priv_size = sizeof(struct vhost_owner),
};
