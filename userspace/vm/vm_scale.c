// SPDX-License-Identifier: GPL-2.0
/*
 * vm_scale.c - the settings of a big guest (vm.h): many vCPUs under TCG on a host with few
 * CPUs. Chosen by the vCPU count (--big auto), or forced (--big yes|no), applied to the qemu
 * command line, the kernel command line, the memory and the deadlines, and said in vm-run.txt.
 *
 * What each setting is for (measured on a 2-CPU host, qemu 7.2):
 *  - single-threaded TCG: a 96-vCPU debian-6.12-amd64 guest under multi-threaded TCG panicked
 *    (RIP: 0x0 from __schedule) the moment a `record` attached: x86 patches live kernel text
 *    (static calls, jump labels) while other vCPU threads run stale translations of it. With
 *    one TCG thread every vCPU sees the patch at once; and 2 host CPUs gain nothing from more
 *    threads when the guest has 100.
 *  - the watchdogs and RCU stall reports off: one host thread runs every vCPU in turn, so a
 *    vCPU waits for the others' time slices; the soft-lockup detector fired at 204 s of a
 *    200-vCPU boot, and RCU grace periods wait on every vCPU. Their reports are what `vm run`
 *    treats as a hang (vm_stall_line), not a fault of the kernel.
 *  - lpj=: the delay-loop calibration of each CPU spins on jiffies, which advance at the
 *    pace of a host thread shared with every other vCPU (a 64-vCPU boot hung in it); both
 *    arches delay by their timebase/TSC, so lpj only skips the calibration.
 *  - memory and the deadlines grow with the vCPUs: per-CPU areas, stacks and slabs; CPUs
 *    are brought up one after the other.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "lib/cli.h"
#include "vm.h"

/* What qemu allows: pc (i440fx) 255 ("Invalid SMP CPUs 256. The max CPUs supported by
 * machine 'pc-i440fx-7.2' is 255"; more needs x2APIC with interrupt remapping); pseries
 * more; 1024 is ours: a TCG guest of more takes longer to boot than a test can wait (the
 * collector itself traces up to LT_MAX_CPUS, 8192). */
unsigned int vm_smp_max(const struct kcfg *k)
{
	return !strcmp(kcfg_get(k, "arch"), "x86_64") ? 255 : VM_SMP_MAX;
}

/* CONFIG_NR_CPUS of a prepared kernel (cache/kernels/NAME/config), 0 when unknown. A guest
 * given more vCPUs brings up that many and no more: custom-6.12-amd64-shootdown built with
 * NR_CPUS=64 (x86_64_defconfig's, before kernels-config/custom/nr-cpus-x86_64.config) at
 * --smp 128 said "setup_percpu: NR_CPUS:64 nr_cpumask_bits:64 nr_cpu_ids:64" and ran 64 CPUs. */
unsigned int vm_kernel_nr_cpus(const char *kname)
{
	char path[PATH_MAX + 128], line[256];
	unsigned int n = 0;
	FILE *f;

	vm_snprintf(path, sizeof(path), "%s/cache/kernels/%s/config", vm_root, kname);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CONFIG_NR_CPUS=%u", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The kernel parameters of a big guest. lpj: about what debian-6.12-amd64 derives from this
 * host's 2.4 GHz TSC at HZ=250 (9771148 for the boot CPU; its second CPU's calibration "failed
 * to get a good estimate ... Consider using lpj="). x86 delays by the TSC and powerpc by the
 * timebase, so the value only skips the calibration. Parameters a kernel does not know go to
 * init's environment, unused. */
static const char *const big_cmdline[] = {
	"nowatchdog", "nosoftlockup", "rcupdate.rcu_cpu_stall_suppress=1",
	"rcupdate.rcu_cpu_stall_suppress_at_boot=1", "workqueue.watchdog_thresh=0", "lpj=" VM_BIG_LPJ,
};

static void add_arg(char *buf, size_t len, const char *arg)
{
	size_t n = strlen(buf);

	if (!strstr(buf, arg))
		vm_snprintf(buf + n, len - n, " %s", arg);
}

/* r->machine with "thread=multi" made "thread=single" (or a -accel tcg,thread=single added) */
static void single_thread(struct vm_run *r)
{
	char *t = strstr(r->machine, "thread=multi"), rest[sizeof(r->machine)];

	if (t) {
		vm_snprintf(rest, sizeof(rest), "%s", t + strlen("thread=multi"));
		vm_snprintf(t, sizeof(r->machine) - (size_t)(t - r->machine), "thread=single%s", rest);
	} else if (!strstr(r->machine, "thread=single")) {
		add_arg(r->machine, sizeof(r->machine), "-accel tcg,thread=single");
	}
}

int vm_scale_apply(struct vm_run *r)
{
	unsigned int max = vm_smp_max(&r->k);
	uint64_t n = r->smp_n, mem, kmem = 0;

	if (!n && !lt_parse_u64(kcfg_get(&r->k, "smp"), &n))
		n = 1;
	if (n > max)
		return lt_err(LT_EXIT_USAGE, "--smp %llu: %s guests take at most %u vCPUs", (unsigned long long)n,
			      kcfg_get(&r->k, "arch"), max);
	uint64_t nr = vm_kernel_nr_cpus(r->kname), m = r->maxcpus_n ? r->maxcpus_n : n;

	if (nr && m > nr)
		return lt_err(LT_EXIT_USAGE, "--%s %llu: %s was built with NR_CPUS=%llu: its guest would run %llu CPUs",
			      r->maxcpus_n ? "maxcpus" : "smp", (unsigned long long)m, r->kname,
			      (unsigned long long)nr, (unsigned long long)nr);
	if (r->maxcpus_n && (r->maxcpus_n < n || r->maxcpus_n > max))
		return lt_err(LT_EXIT_USAGE, "--maxcpus %llu: from --smp (%llu) to %u on %s",
			      (unsigned long long)r->maxcpus_n, (unsigned long long)n, max, kcfg_get(&r->k, "arch"));

	r->big_on = r->big == VM_BIG_YES || (r->big == VM_BIG_AUTO && n > VM_BIG_SMP);
	/* x86: one socket of M cores. qemu's default for -smp 255 is 255 one-core sockets, and
	 * three debian-6.12-amd64 boots stopped for good after bringing up CPU 198 of them; with
	 * sockets=1,cores=255 the same kernel brought up all 255 in 25 s */
	if (r->big_on && !strcmp(kcfg_get(&r->k, "arch"), "x86_64"))
		vm_snprintf(r->smp, sizeof(r->smp), "%llu,maxcpus=%llu,sockets=1,cores=%llu,threads=1",
			    (unsigned long long)n, (unsigned long long)m, (unsigned long long)m);
	else if (r->maxcpus_n)
		vm_snprintf(r->smp, sizeof(r->smp), "%llu,maxcpus=%llu", (unsigned long long)n, (unsigned long long)m);
	else
		vm_snprintf(r->smp, sizeof(r->smp), "%llu", (unsigned long long)n);
	vm_snprintf(r->big_why, sizeof(r->big_why), "%s (%s)", r->big_on ? "yes" : "no",
		    r->big != VM_BIG_AUTO ? "--big" : r->big_on ? "auto: more than " VM_STR(VM_BIG_SMP) " vCPUs"
								 : "auto: at most " VM_STR(VM_BIG_SMP) " vCPUs");
	lt_parse_u64(kcfg_get(&r->k, "memory"), &kmem);
	if (!r->mem_set)
		vm_snprintf(r->mem, sizeof(r->mem), "%llu", (unsigned long long)kmem);
	if (!r->big_on)
		return 0;
	/* memory: the kcfg's, or 1 GiB + 8 MiB per vCPU + 1 MiB per possible CPU (per-CPU areas),
	 * in 256 MiB steps (pseries: "Memory size 0x88000000 is not aligned to 256 MiB") */
	mem = (1024 + 8 * n + (r->maxcpus_n ? r->maxcpus_n : n) + 255) / 256 * 256;
	if (!r->mem_set)
		vm_snprintf(r->mem, sizeof(r->mem), "%llu", (unsigned long long)(mem > kmem ? mem : kmem));
	/* /init at 66 s of a 128-vCPU x86 guest and past 340 s of a 256-vCPU pseries one, on a
	 * host at load average 22: 4 s per vCPU */
	if (!r->boot_timeout_set)
		r->boot_timeout = VM_INIT_DEADLINE_S + 4 * n;
	if (!r->timeout_set && r->timeout < r->boot_timeout + 300 + 4 * n)
		r->timeout = r->boot_timeout + 300 + 4 * n;
	return 0;
}

void vm_scale_cmdline(struct vm_run *r)
{
	if (!r->big_on)
		return;
	single_thread(r);
	for (size_t i = 0; i < sizeof(big_cmdline) / sizeof(big_cmdline[0]); i++)
		add_arg(r->append, sizeof(r->append), big_cmdline[i]);
	if (!strcmp(kcfg_get(&r->k, "arch"), "x86_64"))
		add_arg(r->append, sizeof(r->append), "nmi_watchdog=0");
}
