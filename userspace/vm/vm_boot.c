// SPDX-License-Identifier: GPL-2.0
/*
 * vm_boot.c - qemu for one `vm run` (vm.h): its command line from the kcfg, and one boot with
 * the console to DIR/console.log (and stderr with -v), ended at the timeout, at a hang (no
 * /init within --boot-timeout, or a console silent that long after: vm/init says "alive"
 * every 10 s) or shortly after a lockup report, or by SIGINT/SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/signals.h"
#include "lib/clock.h"
#include "lib/cli.h"
#include "vm.h"

static int split_args(char *s, char **argv, int max)
{
	int n = 0;

	for (char *tok = strtok(s, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	return n;
}

static void append_arg(struct vm_run *r, const char *arg)
{
	size_t n = strlen(r->append);

	vm_snprintf(r->append + n, sizeof(r->append) - n, " %s", arg);
}

int vm_qemu_argv(struct vm_run *r)
{
	const struct kcfg *k = &r->k;
	const char *nohz_line = kcfg_get(k, "cmdline_nohz_full");
	char path[PATH_MAX + 64];
	FILE *qf;

	if (r->nohz && !*nohz_line)
		return lt_err(LT_EXIT_USAGE, "%s.kcfg has no cmdline_nohz_full line", r->kname);
	vm_snprintf(r->machine, sizeof(r->machine), "%s", kcfg_get(k, "machine"));
	vm_snprintf(r->append, sizeof(r->append), "%s", r->nohz ? nohz_line : kcfg_get(k, "cmdline"));
	/* x86 under TCG: the TSC follows the host clock, but the clocksource watchdog compares it
	 * with hpet across a descheduled vCPU thread and marks it unstable (seen after 13.8 s on
	 * a 2-vCPU AMD EPYC host); the guest then reads time through a syscall and every
	 * timing-based figure (nohz-victim's gaps) measures qemu. tsc=reliable unless given. */
	if (!strcmp(kcfg_get(k, "arch"), "x86_64") && !strstr(r->append, "tsc=") &&
	    !(r->more_append && strstr(r->more_append, "tsc=")))
		append_arg(r, "tsc=reliable");
	vm_scale_cmdline(r); /* a big guest's TCG mode and kernel parameters */
	/* --append last: what follows a "--" in it goes to init as arguments */
	if (r->more_append)
		append_arg(r, r->more_append);
	vm_snprintf(r->kernel, sizeof(r->kernel), "%s/kernel", r->kdir);
	vm_snprintf(r->machine_line, sizeof(r->machine_line), "%s", r->machine);
	r->qn = 0;
	r->qargv[r->qn++] = (char *)kcfg_get(k, "qemu");
	r->qn += split_args(r->machine, r->qargv + r->qn, 32);
	if (*kcfg_get(k, "cpu")) {
		r->qargv[r->qn++] = "-cpu";
		r->qargv[r->qn++] = (char *)kcfg_get(k, "cpu");
	}
	char *fixed[] = { "-smp", r->smp, "-m", r->mem, "-kernel", r->kernel, "-initrd", r->initrd, "-append", r->append,
			  "-nographic", "-monitor", "none", "-serial", "stdio", "-no-reboot" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		r->qargv[r->qn++] = fixed[i];
	r->qargv[r->qn] = NULL;
	vm_snprintf(path, sizeof(path), "%s/qemu.cmd", r->dir);
	if ((qf = fopen(path, "w"))) {
		for (int i = 0; i < r->qn; i++)
			vm_sh_quote(qf, r->qargv[i]), fputc(i + 1 < r->qn ? ' ' : '\n', qf);
		fclose(qf);
	}
	return 0;
}


static pid_t spawn_qemu(struct vm_run *r, int pfd[2])
{
	pid_t pid;

	if (lt_verbose) {
		fprintf(stderr, "+");
		for (int i = 0; i < r->qn; i++)
			fprintf(stderr, " %s", r->qargv[i]);
		fputc('\n', stderr);
	}
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(r->qargv[0], r->qargv);
		dprintf(2, "LAZYTLB-HOST: cannot run %s: %s\n", r->qargv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Reads the console until qemu ends or a deadline passes (then kills it). */
static void watch_console(struct vm_run *r, pid_t pid, int in, int lfd, const char *logpath, struct vm_boot *b)
{
	double t0 = lt_now_s(), last_out = t0; /* when the console last said something */
	char buf[65536 + VM_SCAN_OVERLAP];
	size_t carry = 0; /* the tail of the last read, so a marker split across reads is found */

	for (;;) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		double left = t0 + (double)r->timeout - lt_now_s();
		ssize_t n;

		/* before /init: the boot hung; after: silent although vm/init says "alive" every 10 s */
		if (lt_now_s() - (b->init_seen ? last_out : t0) > (double)r->boot_timeout && left > 0) {
			b->hung = true;
			kill(pid, SIGKILL);
			break;
		}
		if ((b->stall_at && lt_now_s() - b->stall_at > VM_STALL_GRACE_S) || lt_stop_signal() || left <= 0) {
			b->timed_out = !b->stall_at && !lt_stop_signal();
			kill(pid, SIGKILL);
			break;
		}
		int pr = poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		n = read(in, buf + carry, sizeof(buf) - carry - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		last_out = lt_now_s();
		if (write(lfd, buf + carry, (size_t)n) != n)
			lt_warn("%s: short write", logpath);
		if (lt_verbose && write(2, buf + carry, (size_t)n) != n)
			lt_verbose = false;
		/* the serial console comes in reads of a few dozen bytes: scan with the tail of the last */
		size_t len = carry + (size_t)n;

		if (!b->init_seen)
			b->init_seen = memmem(buf, len, INIT_MARK, strlen(INIT_MARK)) != NULL;
		if (!b->stall_at && vm_stall_line(buf, len))
			b->stall_at = last_out;
		carry = len < VM_SCAN_OVERLAP ? len : VM_SCAN_OVERLAP;
		memmove(buf, buf + len - carry, carry);
	}
	b->wall = lt_now_s() - t0;
}

int vm_boot_once(struct vm_run *r, const char *logpath, struct vm_boot *b)
{
	struct lt_saved_signals saved;
	int pfd[2], lfd;
	pid_t pid;

	memset(b, 0, sizeof(*b));
	lfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (lfd < 0 || pipe2(pfd, O_CLOEXEC))
		return lt_err(LT_EXIT_FAIL, "%s: %s", logpath, strerror(errno));
	pid = spawn_qemu(r, pfd);
	if (pid < 0)
		return lt_err(LT_EXIT_FAIL, "fork: %s", strerror(errno));
	close(pfd[1]);
	lt_on_stop_signals(NULL, &saved);
	watch_console(r, pid, pfd[0], lfd, logpath, b);
	while (waitpid(pid, &b->status, 0) < 0 && errno == EINTR)
		;
	close(pfd[0]);
	close(lfd);
	lt_restore_signals(&saved);
	b->signal = lt_stop_signal();
	return 0;
}
