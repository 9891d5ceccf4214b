// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_scale.c - the big-guest settings (vm_scale.c) on the kcfgs of the matrix's two
 * 6.12 kernels as they are in kernels-config/: the arch limits qemu has (x86 pc 255 vCPUs),
 * the auto threshold, what changes on the qemu and kernel command lines, memory in 256 MiB
 * steps (pseries refuses others), and that explicit options win.
 */
#include <stdlib.h>
#include "lib/cli.h"
#include "vm/vm.h"
#include "check.h"

static void setup(struct vm_run *r, const char *kname, uint64_t smp)
{
	memset(r, 0, sizeof(*r));
	snprintf(vm_root, sizeof(vm_root), "%s", getenv("LT_ROOT") ? getenv("LT_ROOT") : ".");
	CHECK(vm_kcfg_load(kname, &r->k) == 0);
	r->smp_n = smp;
	r->timeout = 300;
	r->boot_timeout = VM_INIT_DEADLINE_S;
	snprintf(r->machine, sizeof(r->machine), "%s", kcfg_get(&r->k, "machine"));
	snprintf(r->append, sizeof(r->append), "%s", kcfg_get(&r->k, "cmdline"));
}

int main(void)
{
	static struct vm_run r;

	/* x86: 255 is qemu pc's limit; 256 refused before anything boots */
	setup(&r, "debian-6.12-amd64", 256);
	CHECK(vm_scale_apply(&r) == LT_EXIT_USAGE);
	setup(&r, "debian-6.12-amd64", 255);
	CHECK(vm_scale_apply(&r) == 0);
	CHECK(r.big_on);
	CHECK_STR(r.smp, "255,maxcpus=255,sockets=1,cores=255,threads=1");
	vm_scale_cmdline(&r);
	CHECK(strstr(r.machine, "thread=single") && !strstr(r.machine, "thread=multi"));
	CHECK(strstr(r.append, "lpj=") && strstr(r.append, "nmi_watchdog=0"));
	CHECK(atoi(r.mem) % 256 == 0 && atoi(r.mem) >= 1024 + 8 * 255);
	CHECK(r.boot_timeout == VM_INIT_DEADLINE_S + 4 * 255 && r.timeout >= r.boot_timeout + 300);
	/* at the threshold: the kcfg's settings untouched */
	setup(&r, "debian-6.12-amd64", VM_BIG_SMP);
	CHECK(vm_scale_apply(&r) == 0 && !r.big_on);
	vm_scale_cmdline(&r);
	CHECK_STR(r.machine, kcfg_get(&r.k, "machine"));
	CHECK_STR(r.append, kcfg_get(&r.k, "cmdline"));
	CHECK_STR(r.mem, kcfg_get(&r.k, "memory"));
	/* --big yes on 2 vCPUs, --big no on 64, explicit memory and boot timeout */
	setup(&r, "debian-6.12-amd64", 2);
	r.big = VM_BIG_YES;
	CHECK(vm_scale_apply(&r) == 0 && r.big_on && strstr(r.big_why, "--big"));
	setup(&r, "debian-6.12-amd64", 64);
	r.big = VM_BIG_NO;
	CHECK(vm_scale_apply(&r) == 0 && !r.big_on);
	setup(&r, "debian-6.12-amd64", 128);
	snprintf(r.mem, sizeof(r.mem), "777");
	r.mem_set = r.boot_timeout_set = true;
	r.boot_timeout = 5;
	CHECK(vm_scale_apply(&r) == 0 && r.big_on);
	CHECK_STR(r.mem, "777");
	CHECK(r.boot_timeout == 5);
	/* ppc64le: up to 1024, possible CPUs with --maxcpus; x86-only parameters left out */
	setup(&r, "debian-6.12-ppc64el", 256);
	CHECK(vm_scale_apply(&r) == 0 && r.big_on);
	vm_scale_cmdline(&r);
	CHECK(strstr(r.machine, "pseries") && strstr(r.machine, "thread=single"));
	CHECK(!strstr(r.append, "nmi_watchdog") && strstr(r.append, "nowatchdog"));
	setup(&r, "debian-6.12-ppc64el", 2);
	r.maxcpus_n = 1024;
	CHECK(vm_scale_apply(&r) == 0 && !r.big_on);
	CHECK_STR(r.smp, "2,maxcpus=1024");
	setup(&r, "debian-6.12-ppc64el", 4);
	r.maxcpus_n = 2;
	CHECK(vm_scale_apply(&r) == LT_EXIT_USAGE);
	setup(&r, "debian-6.12-ppc64el", 1024);
	r.maxcpus_n = 1025;
	CHECK(vm_scale_apply(&r) == LT_EXIT_USAGE);
	return check_exit("test_vm_scale");
}
