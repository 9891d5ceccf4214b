// SPDX-License-Identifier: GPL-2.0
/*
 * test_procfs.c - the /proc/interrupts reader on copies taken from real machines:
 * this x86_64 host (6.18) and a debian-6.1-ppc64el guest under qemu, whose format
 * differs (a numbered XIVE "IPI-0" line carries every IPI, LOC appears twice).
 * Expected values read off the files by hand (ALL: awk over the per-CPU rows).
 */
#include "lib/procfs.h"
#include "check.h"

#ifndef DATA
#define DATA "tests/data/"
#endif

static struct irq_snapshot s;

static void test_x86(void)
{
	CHECK(irq_snapshot_read_file(DATA "interrupts-x86_64-6.18.txt", &s) == 0);
	CHECK(s.nr_cpus == 2);
	CHECK(s.present[0] && s.per_cpu[0][0] == 876425 && s.per_cpu[0][1] == 1439033);   /* TLB */
	CHECK(s.present[1] && s.per_cpu[1][0] == 12416959 && s.per_cpu[1][1] == 30336977); /* CAL */
	CHECK(s.present[2] && s.per_cpu[2][0] == 1700042 && s.per_cpu[2][1] == 2249792);   /* RES */
	CHECK(s.present[3] && s.per_cpu[3][0] == 4586830 && s.per_cpu[3][1] == 4951053);   /* LOC */
	CHECK(!s.present[LT_IRQ_IPI]); /* x86 IPIs have rows of their own */
	/* every per-CPU row but TLB (inside CAL), RTR, and the machine-wide ERR/MIS */
	CHECK(s.per_cpu[LT_IRQ_ALL][0] == 18887076 && s.per_cpu[LT_IRQ_ALL][1] == 38369330);
}

static void test_ppc(void)
{
	CHECK(irq_snapshot_read_file(DATA "interrupts-ppc64el-6.1.txt", &s) == 0);
	CHECK(s.nr_cpus == 2);
	CHECK(!s.present[0] && !s.present[1] && !s.present[2]); /* no TLB, CAL, RES rows */
	CHECK(s.present[LT_IRQ_IPI] && s.per_cpu[LT_IRQ_IPI][0] == 134 && s.per_cpu[LT_IRQ_IPI][1] == 138);
	CHECK(s.present[3] && s.per_cpu[3][0] == 467 && s.per_cpu[3][1] == 364); /* both LOC rows */
	CHECK(s.present[5] && s.per_cpu[5][0] == 0);                              /* DBL */
	CHECK(s.per_cpu[LT_IRQ_ALL][0] == 134 + 467 + 21 && s.per_cpu[LT_IRQ_ALL][1] == 138 + 364 + 22);
	CHECK(!strcmp(lt_irq_row_names[LT_IRQ_IPI], "IPI") && !strcmp(lt_irq_row_names[5], "DBL"));
}

int main(void)
{
	test_x86();
	test_ppc();
	CHECK(irq_snapshot_read_file(DATA "no-such-file", &s) < 0);
	return check_exit("test_procfs");
}
