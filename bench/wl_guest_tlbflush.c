// SPDX-License-Identifier: GPL-2.0
/*
 * wl_guest_tlbflush.c - guest-tlbflush: a KVM vCPU thread runs a tiny guest on the second CPU
 * while a thread of the same process on the first maps, touches and unmaps a page, once per
 * op. The vCPU thread runs our mm (it is not lazy), so each unmap flushes its CPU with an IPI,
 * sent while that CPU is in guest mode nearly always: lazytlb's target state `guest` (the IPI
 * forces a VM exit). Needs /dev/kvm: kvm_amd or kvm_intel with hardware or nested
 * virtualization (the qemu guests have it under TCG's SVM: vm/guest-modules.sh).
 *
 * The guest is 16-bit real-mode code at 0x1000: spin until the TSC has moved 10^7 cycles
 * (milliseconds: the host's TSC, under TCG too), `out` to port 0x10 (an exit to us, where the
 * stop flag is read), again. Its own exits are the workload's `vcpu_exits`; the rest of the
 * time the CPU is in the guest. A wait counted in instructions exited 4,000 times a second
 * under TCG, and a TLB IPI that lands in an exit's way out reads IN_GUEST_MODE without forcing
 * an exit of its own (10% of them), which `irq_exits` then cannot bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "workload.h"

enum { C_MUNMAPS, C_VCPU_EXITS, C_IRQ_EXITS };

#define GUEST_MEM (64 << 10)
#define GUEST_CODE 0x1000

struct guest {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	void *mem;
	volatile int running; /* the vCPU's first exit came back: it runs */
};


#ifdef __x86_64__
/* 0: rdtsc; mov ebx, eax; 5: rdtsc; sub eax, ebx; cmp eax, 10000000; jb 5; out 0x10, al; jmp 0 */
static const unsigned char guest_code[] = {
	0x0f, 0x31, 0x66, 0x89, 0xc3,                   /* 0x00 */
	0x0f, 0x31, 0x66, 0x29, 0xd8,                   /* 0x05 */
	0x66, 0x3d, 0x80, 0x96, 0x98, 0x00, 0x72, 0xf3, /* 0x0a */
	0xe6, 0x10, 0xeb, 0xea,                         /* 0x12 */
};
#endif

static int guest_fail(struct wl_ctx *c, const char *what)
{
	return wl_fail(c, "%s: %s", what, strerror(errno));
}

#ifdef __x86_64__
static int vcpu_setup(struct wl_ctx *c, struct guest *g)
{
	struct kvm_userspace_memory_region reg = { .slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM };
	struct kvm_sregs sr;
	struct kvm_regs r = { .rip = GUEST_CODE, .rflags = 2 };
	int n;

	g->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return g->mem = NULL, guest_fail(c, "mmap (guest memory)");
	memcpy((char *)g->mem + GUEST_CODE, guest_code, sizeof(guest_code));
	reg.userspace_addr = (unsigned long)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0)
		return guest_fail(c, "KVM_SET_USER_MEMORY_REGION");
	if ((g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0)) < 0)
		return guest_fail(c, "KVM_CREATE_VCPU");
	if ((n = ioctl(g->kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0)
		return guest_fail(c, "KVM_GET_VCPU_MMAP_SIZE");
	g->run_size = (size_t)n;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	if (g->run == MAP_FAILED)
		return g->run = NULL, guest_fail(c, "mmap (kvm_run)");
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sr) < 0)
		return guest_fail(c, "KVM_GET_SREGS");
	sr.cs.base = 0;
	sr.cs.selector = 0;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sr) < 0 || ioctl(g->vcpu, KVM_SET_REGS, &r) < 0)
		return guest_fail(c, "KVM_SET_SREGS/REGS");
	return 0;
}
#else
static int vcpu_setup(struct wl_ctx *c, struct guest *g)
{
	return wl_fail(c, "guest-tlbflush: its guest is x86 code (this is not x86)");
}
#endif

static int gt_setup(struct wl_ctx *c)
{
	struct guest *g = c->priv;

	g->kvm = g->vm = g->vcpu = -1;
	if (c->nr_cpus < 2)
		return wl_usage(c, "guest-tlbflush needs two CPUs in -C: the flusher's and the vCPU's");
	g->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (g->kvm < 0)
		return wl_fail(c, "/dev/kvm: %s (load kvm_amd or kvm_intel; it needs hardware or nested "
			       "virtualization)", strerror(errno));
	if (ioctl(g->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return wl_fail(c, "/dev/kvm: API version is not %d", KVM_API_VERSION);
	if ((g->vm = ioctl(g->kvm, KVM_CREATE_VM, 0)) < 0)
		return guest_fail(c, "KVM_CREATE_VM");
	return vcpu_setup(c, g);
}

/*
 * KVM's count of this VM's exits for a host interrupt (irq_exits: svm.c intr_interception,
 * vmx.c handle_external_interrupt, 5.10-7.2), from the VM's debugfs directory (PID-FD, 5.10-7.2).
 * An IPI to a CPU in guest mode forces one such exit, so the TLB IPIs a tracer sends to a guest
 * are bounded by it. 0 without debugfs.
 */
static unsigned long long vm_irq_exits(const struct guest *g)
{
	char path[96], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d/irq_exits", (int)getpid(), g->vm);
	if (!(f = fopen(path, "r")))
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoull(buf, NULL, 10);
}

static void *vcpu_thread(struct wl_thread *t)
{
	struct guest *g = t->ctx->priv;

	while (!wl_stopped(t)) {
		if (ioctl(g->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			wl_fail(t->ctx, "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (g->run->exit_reason != KVM_EXIT_IO) {
			wl_fail(t->ctx, "KVM_RUN: exit reason %u, not the guest's port I/O", g->run->exit_reason);
			break;
		}
		t->cnt[C_VCPU_EXITS]++;
		g->running = 1;
	}
	g->running = 1; /* the flusher must not wait on a vCPU that failed */
	t->cnt[C_IRQ_EXITS] = vm_irq_exits(g); /* the VM's whole life: this thread ran all of it */
	return NULL;
}

static void *flusher(struct wl_thread *t)
{
	struct guest *g = t->ctx->priv;

	while (!g->running && !wl_stopped(t))
		;
	while (!wl_stopped(t)) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			wl_fail(t->ctx, "mmap: %s", strerror(errno));
			break;
		}
		p[0] = 1;
		munmap(p, 4096);
		t->cnt[C_MUNMAPS]++;
		t->ops++;
	}
	return NULL;
}

static int gt_run(struct wl_ctx *c)
{
	wl_spawn(c, vcpu_thread, wl_cpu(c, 1), NULL);
	wl_spawn(c, flusher, wl_cpu(c, 0), NULL);
	return wl_go(c);
}


static void gt_cleanup(struct wl_ctx *c)
{
	struct guest *g = c->priv;

	if (g->run)
		munmap(g->run, g->run_size);
	if (g->mem)
		munmap(g->mem, GUEST_MEM);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->vm >= 0)
		close(g->vm);
	if (g->kvm >= 0)
		close(g->kvm);
}

static const struct wl_param_desc gt_params[] = { { NULL } };
static const char *const gt_counters[] = { "munmaps", "vcpu_exits", "irq_exits", NULL };

const struct workload wl_guest_tlbflush = {
	.name = "guest-tlbflush",
	.summary = "unmap a page while our KVM vCPU runs its guest on the next CPU: TLB IPIs to a guest",
	.ops_unit = "page unmaps",
	.ops_counter = "munmaps",
	.threads_help = "two threads: the flusher on the first CPU of -C, the vCPU on the second",
	.params = gt_params,
	.counters = gt_counters,
	.priv_size = sizeof(struct guest),
	.setup = gt_setup,
	.run = gt_run,
	.cleanup = gt_cleanup,
};
