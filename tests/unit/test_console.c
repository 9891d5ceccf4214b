// SPDX-License-Identifier: GPL-2.0
/*
 * test_console.c - the guest console reader (vm_parse_console, vm_tcg_artifact) on logs built
 * from real console lines: the oops of a debian sid 7.2 amd64 guest (an int3 of a text patch
 * under TCG, at __smp_call_single_queue+0x14), the 6.1 x86 oops header that has no "Oops: ",
 * vm/init's markers. What is constructed is where the lines fall: a kernel record that starts
 * in the middle of a userspace line (the serial port interleaves the two), a panic while a
 * result file prints.
 */
#include <stdlib.h>
#include <unistd.h>
#include "vm/vm.h"
#include "check.h"

static char dir[] = "/tmp/lt-test-console.XXXXXX";

/* the console log LINES (NULL-terminated), parsed into o; files decoded under dir */
static void parse(struct outcome *o, const char *const *lines)
{
	char log[128];
	FILE *f;

	snprintf(log, sizeof(log), "%s/console.log", dir);
	f = fopen(log, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	for (; *lines; lines++)
		fprintf(f, "%s\r\n", *lines);
	fclose(f);
	memset(o, 0, sizeof(*o));
	vm_parse_console(log, dir, o);
}

static bool exists(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

#define BOOT "[    0.000000] Linux version 7.2.13+deb14-rt-amd64 (debian-kernel@lists.debian.org)"
#define INIT "LAZYTLB-GUEST: init at 2.15 s uptime, kernel 7.2.13+deb14-rt-amd64 x86_64"
#define OOPS "[   21.832725] Oops: int3: 0000 [#1] SMP NOPTI"
#define RIP "[   21.833978] RIP: 0010:__smp_call_single_queue+0x14/0x190"
#define FATAL "[   21.836001] Kernel panic - not syncing: Fatal exception in interrupt"

/* an oops record that starts after the first half of a userspace line */
static void test_interleaved(void)
{
	const char *const log[] = { BOOT, INIT, "nohz-full-victim: 3 rep(s) -> /out/nohz" OOPS, RIP,
				    "[   21.834907] PKRU: 55555554", FATAL, NULL };
	struct outcome o;

	parse(&o, log);
	CHECK(!strcmp(o.panic, OOPS)); /* the oops, with its time, not the panic after it */
	CHECK(vm_tcg_artifact(&o) != NULL);
	CHECK(o.guest_init_s > 2.1 && o.guest_init_s < 2.2);
}

/* 6.1's header has no "Oops: " (arch/x86/kernel/dumpstack.c __die_header, 6.1) */
static void test_bare_header(void)
{
	const char *const log[] = { BOOT, INIT, "[    9.100000] int3: 0000 [#1] PREEMPT SMP NOPTI", RIP, FATAL, NULL };
	const char *const gp[] = { BOOT, INIT, "[    9.100000] general protection fault: 0000 [#1] SMP NOPTI", FATAL, NULL };
	struct outcome o;

	parse(&o, log);
	CHECK(!strcmp(o.panic, "[    9.100000] int3: 0000 [#1] PREEMPT SMP NOPTI"));
	CHECK(vm_tcg_artifact(&o) != NULL);
	parse(&o, gp);
	CHECK(!strncmp(o.panic, "[    9.100000] general protection fault", 39));
	CHECK(vm_tcg_artifact(&o) == NULL); /* after /init, not an int3: the run's verdict */
}

/* a call to 0 (6.12's header says "Oops: Oops: 0010") is TCG's; a kernel's NULL read is not */
static void test_call_to_zero(void)
{
	const char *const call0[] = { BOOT, INIT, "[   28.053001] BUG: kernel NULL pointer dereference, address: 0000000000000000",
				      "[   28.053002] #PF: supervisor instruction fetch in kernel mode",
				      "[   28.053420] Oops: Oops: 0010 [#1] PREEMPT SMP NOPTI",
				      "[   28.053500] CPU: 1 UID: 0 PID: 211 Comm: lazytlb Not tainted 6.12.95+deb12-amd64 #1",
				      "[   28.053600] RIP: 0010:0x0", FATAL, NULL };
	const char *const read0[] = { BOOT, INIT, "[   28.053420] Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI",
				      "[   28.053600] RIP: 0010:0x0", FATAL, NULL };
	const char *const elsewhere[] = { BOOT, INIT, "[   28.053420] Oops: Oops: 0010 [#1] PREEMPT SMP NOPTI",
					  "[   28.053600] RIP: 0010:0x0a01000", FATAL, NULL };
	struct outcome o;

	parse(&o, call0);
	CHECK(!strcmp(o.panic_rip, "RIP: 0010:0x0"));
	CHECK(vm_tcg_artifact(&o) != NULL);
	parse(&o, read0);
	CHECK(vm_tcg_artifact(&o) == NULL);
	parse(&o, elsewhere);
	CHECK(vm_tcg_artifact(&o) == NULL);
}

/* no panic in ordinary lines, brackets or not; a panic before /init is TCG's */
static void test_not_panics(void)
{
	const char *const log[] = { BOOT, INIT, "[    3.000000] x86/fpu: Supporting XSAVE feature 0x002: 'SSE registers'",
				    "lazytlb: rep [1/3]: 0000 [#1] of nothing",
				    "Oopsie: a workload's own word", NULL };
	const char *const early[] = { BOOT, "[    1.490113] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI", NULL };
	struct outcome o;

	parse(&o, log);
	CHECK(o.panic[0] == 0);
	parse(&o, early);
	CHECK(!strcmp(vm_tcg_artifact(&o), "before /init"));
}

/* a result file decoded whole; a panic while one prints leaves no file, half or whole */
static void test_result_block(void)
{
	const char *const ok[] = { INIT, MARK_BEGIN, MARK_FILE "a.json 8" MARK_TAIL, "eyJhIjoxfQo=",
				   MARK_RC "0" MARK_TAIL, MARK_END, NULL };
	const char *const cut[] = { INIT, MARK_BEGIN, MARK_FILE "b.json 8" MARK_TAIL, "eyJh", FATAL, "IjoxfQo=",
				    MARK_RC "0" MARK_TAIL, MARK_END, NULL };
	struct outcome o;

	parse(&o, ok);
	CHECK(o.end && o.guest_rc == 0 && o.nfiles == 1 && !o.panic[0] && !o.bad[0] && exists("a.json"));
	parse(&o, cut);
	CHECK(!strcmp(o.panic, FATAL));
	CHECK(o.bad[0] && !exists("b.json") && !exists("b.json.part"));
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return perror("mkdtemp"), 1;
	test_interleaved();
	test_bare_header();
	test_call_to_zero();
	test_not_panics();
	test_result_block();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return check_exit("test_console");
}
