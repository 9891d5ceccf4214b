// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vm.c - `lazytlb vm`: boot a kernel of the qemu matrix (kernels-config/NAME.kcfg, format
 * in kernels-config/README.md), run a scenario (or any guest command) in it and bring the guest's
 * result files back to the host.
 *
 *   lazytlb vm list
 *   lazytlb vm run KERNEL SCENARIO [-o DIR] [--nohz-full] [--timeout S] [-v] [-- RUN-OPTIONS]
 *   lazytlb vm run KERNEL --cmd CMD [-o DIR] [--nohz-full] [--timeout S] [-v]
 *
 * The command over the parts of vm.h: images come from the scripts (vm/fetch.sh, vm/initramfs.sh),
 * the initrd from vm_initrd.c, qemu and one boot from vm_boot.c, the verdict from the console
 * (vm_console.c). A panic or hang that is TCG's, not the run's, boots again (--boots, VM_BOOTS_DEFAULT).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/cli.h"
#include "vm/vm.h"

/* ---- `vm list` ---- */
static int kcfg_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int vm_list(void)
{
	char path[PATH_MAX + 32], *names[256];
	struct dirent *de;
	size_t nn = 0;
	DIR *d;

	vm_snprintf(path, sizeof(path), "%s/kernels-config", vm_root);
	d = opendir(path);
	if (!d)
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)) && nn < 256) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".kcfg"))
			names[nn++] = strndup(de->d_name, l - 5);
	}
	closedir(d);
	qsort(names, nn, sizeof(names[0]), kcfg_name_cmp);
	int w = 6;
	for (size_t i = 0; i < nn; i++)
		w = strlen(names[i]) > (size_t)w ? (int)strlen(names[i]) : w;
	printf("%-*s %-8s %-10s %-9s %s\n", w, "KERNEL", "ARCH", "SCHEME", "BTF", "CACHE (cache/kernels/KERNEL)");
	for (size_t i = 0; i < nn; i++) {
		struct kcfg k;
		char rel[128], state[512], btf[64];

		if (vm_kcfg_load(names[i], &k)) {
			free(names[i]);
			continue;
		}
		vm_snprintf(path, sizeof(path), "%s/cache/kernels/%s/release", vm_root, k.name);
		vm_read_first_line(path, rel, sizeof(rel));
		if (vm_exists("%s/cache/kernels/%s/kernel", vm_root, k.name) && *rel)
			vm_snprintf(state, sizeof(state), "prepared (%s)", rel);
		else if (!strncmp(kcfg_get(&k, "source"), "custom:", 7))
			vm_snprintf(state, sizeof(state), "not built (custom kernel %s: vm/build-custom.sh %s, or make custom-kernels)",
				  kcfg_get(&k, "source") + 7, k.name);
		else
			vm_snprintf(state, sizeof(state), "not prepared (vm/fetch.sh %s, or make vm-prepare)", k.name);
		vm_snprintf(btf, sizeof(btf), "%s", vm_btf_kind(&k));
		if (!strcmp(btf, "detached")) {
			bool have = vm_exists("%s/cache/kernels/%s/vmlinux.btf", vm_root, k.name);
			vm_snprintf(btf, sizeof(btf), "%s", have ? "detached" : "detached-");
			if (!have)
				vm_snprintf(state + strlen(state), sizeof(state) - strlen(state),
					 "; no BTF yet (vm/fetch.sh %s --btf)", k.name);
		}
		printf("%-*s %-8s %-10s %-9s %s\n", w, k.name, kcfg_get(&k, "arch"), kcfg_get(&k, "lazy_scheme"), btf, state);
		free(names[i]);
	}
	static const char *const arches[] = { "x86_64", "ppc64le" };
	for (size_t i = 0; i < 2; i++) {
		char man[PATH_MAX + 64], lt[256] = "";
		FILE *f;

		vm_snprintf(man, sizeof(man), "%s/cache/initramfs/%s.cpio.gz.manifest", vm_root, arches[i]);
		f = fopen(man, "r");
		if (!f) {
			printf("initramfs %-8s not built (vm/initramfs.sh %s, or make vm-initramfs)\n", arches[i], arches[i]);
			continue;
		}
		while (fgets(lt, sizeof(lt), f))
			if (!strncmp(lt, "lazytlb: ", 9))
				break;
		fclose(f);
		lt[strcspn(lt, "\n")] = 0;
		printf("initramfs %-8s built, %s\n", arches[i],
		       !strcmp(lt, "lazytlb: none") ? "without lazytlb (--cmd only; make static-ARCH vm-initramfs)" : lt);
	}
	return LT_EXIT_OK;
}

static void usage_run(FILE *f)
{
	fprintf(f,
		"usage: lazytlb vm run KERNEL SCENARIO [-o DIR] [--nohz-full] [--append ARGS] [--timeout S] [-v]\n"
		"                     [-- RUN-OPTIONS]\n"
		"       lazytlb vm run KERNEL --cmd CMD [--add FILE]... [-o DIR] [--nohz-full] [--append ARGS]\n"
		"                     [--timeout S] [-v]\n"
		"  Boots KERNEL (lazytlb vm list) under qemu, runs `lazytlb run SCENARIO -o /out [RUN-OPTIONS]`\n"
		"  in it (plus --btf for a kernel with a detached BTF), or the shell command CMD (run in /out,\n"
		"  $OUT), and copies the files the guest left in /out to DIR (default out/vm/KERNEL/SCENARIO,\n"
		"  or out/vm/KERNEL/cmd), next to console.log, qemu.cmd and vm-run.txt.\n"
		"  --nohz-full  boot with the kcfg's cmdline_nohz_full line (CPU 1 nohz_full)\n"
		"  --timeout S  kill qemu after S seconds (default: the kcfg's timeout, else 300)\n"
		"  --smp N      N vCPUs instead of the kcfg's (x86_64 up to 255, ppc64le up to 1024; under TCG\n"
		"               more vCPUs than host CPUs share them)\n"
		"  --maxcpus M  M possible CPUs, N of them online (qemu -smp N,maxcpus=M: the kernel sizes its\n"
		"               per-CPU data and nr_cpu_ids for M)\n"
		"  --big auto|yes|no  the settings of a big guest (default auto: yes above " VM_STR(VM_BIG_SMP) " vCPUs):\n"
		"               single-threaded TCG, watchdogs and RCU stall reports off, lpj= (no delay\n"
		"               calibration), memory 1 GiB + 8 MiB per vCPU, --boot-timeout 60 + 4 s per vCPU,\n"
		"               --timeout at least that + 300 + 4 s per vCPU, no guest modules (vhost-owner\n"
		"               and guest-tlbflush need them) (vm-run.txt: big, and why)\n"
		"  --memory MIB guest memory instead of the kcfg's (or the big guest's)\n"
		"  --append ARGS  add ARGS to the kernel command line (e.g. mitigations=off)\n"
		"  --boot-timeout S  a guest that has not started /init after S seconds, or whose console\n"
		"               is silent for S seconds after (its init says alive every 10 s), hung (default 60)\n"
		"  --boots N    boot at most N times (1..9, default 3): see below; 1 never boots again\n"
		"  --no-config  leave /boot/config-RELEASE out of the guest: the scheme then comes from the\n"
		"               kernel version or kallsyms, as on a machine without its config\n"
		"  --add FILE   put FILE into the guest's /add, which is on the PATH of --cmd (repeatable, up\n"
		"               to 16): a script, data, or a statically linked program of the guest's arch\n"
		"               (the guest has busybox and no C library), e.g. --add ./gen --cmd 'gen 100'\n"
		"  --keep       keep DIR/initrd.img\n"
		"  -v           show the console while it runs, and the commands run\n"
		"  A panic or hang that is TCG's, not the run's (a panic before /init, an x86 \"Oops: int3\" of\n"
		"  a live text patch or a call to 0 while one ran (\"Oops: 0010\", RIP 0x0), a hang: see\n"
		"  --boot-timeout, a lockup report: RCU stall, soft lockup,\n"
		"  stuck CSD lock, ended 5 s after it) boots again, up to --boots boots, keeping\n"
		"  DIR/console.boot-N.log; vm-run.txt says why.\n"
		"  Exit: 0 ok; 1 guest panic, timeout, missing result or guest command failure (one line on\n"
		"  stderr); 2 usage.\n");
}

/* Options into r; the guest's `lazytlb run` options after "--". 0, or an exit status. */
static int parse_run_opts(int argc, char **argv, struct vm_run *r)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "nohz-full", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { "cmd", required_argument, NULL, 'c' },
		{ "keep", no_argument, NULL, 'k' },          { "verbose", no_argument, NULL, 'v' },
		{ "append", required_argument, NULL, 'a' },  { "boot-timeout", required_argument, NULL, 'b' },
		{ "no-config", no_argument, NULL, 'C' },     { "help", no_argument, NULL, 'h' },
		{ "smp", required_argument, NULL, 's' },      { "boots", required_argument, NULL, 'B' },
		{ "maxcpus", required_argument, NULL, 'M' },  { "big", required_argument, NULL, 'G' },
		{ "memory", required_argument, NULL, 'm' },  { "add", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	r->boot_timeout = VM_INIT_DEADLINE_S;
	r->boots = VM_BOOTS_DEFAULT;
	argc = vm_split_extra(argc, argv, &r->extra, &r->nextra);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': r->outdir = optarg; break;
		case 'n': r->nohz = true; break;
		case 't':
			if (!lt_parse_u64(optarg, &r->timeout) || !r->timeout || r->timeout > 86400)
				return lt_err(LT_EXIT_USAGE, "bad --timeout '%s' (seconds, 1..86400)", optarg);
			r->timeout_set = true;
			break;
		case 'c': r->cmd = optarg; break;
		case 'b':
			if (!lt_parse_u64(optarg, &r->boot_timeout) || !r->boot_timeout || r->boot_timeout > 86400)
				return lt_err(LT_EXIT_USAGE, "bad --boot-timeout '%s' (seconds, 1..86400)", optarg);
			r->boot_timeout_set = true;
			break;
		case 'a':
			if (strlen(optarg) > 256 || strpbrk(optarg, "\n\r"))
				return lt_err(LT_EXIT_USAGE, "bad --append: at most 256 characters on one line");
			r->more_append = optarg;
			break;
		case 'k': r->keep = true; break;
		case 'C': r->no_config = true; break;
		case 'B':
			if (!lt_parse_u64(optarg, &r->boots) || !r->boots || r->boots > VM_BOOTS_MAX)
				return lt_err(LT_EXIT_USAGE, "bad --boots '%s' (1..%d)", optarg, VM_BOOTS_MAX);
			break;
		case 's':
			if (!lt_parse_u64(optarg, &r->smp_n) || !r->smp_n || r->smp_n > VM_SMP_MAX)
				return lt_err(LT_EXIT_USAGE, "bad --smp '%s' (CPUs, 1..%d)", optarg, VM_SMP_MAX);
			break;
		case 'M':
			if (!lt_parse_u64(optarg, &r->maxcpus_n) || !r->maxcpus_n || r->maxcpus_n > VM_SMP_MAX)
				return lt_err(LT_EXIT_USAGE, "bad --maxcpus '%s' (CPUs, 1..%d)", optarg, VM_SMP_MAX);
			break;
		case 'G':
			if (!strcmp(optarg, "auto"))
				r->big = VM_BIG_AUTO;
			else if (!strcmp(optarg, "yes"))
				r->big = VM_BIG_YES;
			else if (!strcmp(optarg, "no"))
				r->big = VM_BIG_NO;
			else
				return lt_err(LT_EXIT_USAGE, "bad --big '%s' (auto, yes or no)", optarg);
			break;
		case 'm': {
			uint64_t mib;

			if (!lt_parse_u64(optarg, &mib) || mib < 64 || mib > 65536)
				return lt_err(LT_EXIT_USAGE, "bad --memory '%s' (MiB, 64..65536)", optarg);
			vm_snprintf(r->mem, sizeof(r->mem), "%llu", (unsigned long long)mib);
			r->mem_set = true;
			break;
		}
		case 'A':
			if (r->nadd == VM_ADD_MAX)
				return lt_err(LT_EXIT_USAGE, "--add: at most %d files", VM_ADD_MAX);
			r->add[r->nadd++] = optarg;
			break;
		case 'v': lt_verbose = true; break;
		case 'h': usage_run(stdout); return -1;
		default: usage_run(stderr); return LT_EXIT_USAGE;
		}
	}
	if (optind >= argc || argc - optind > 2 || (argc - optind == 1 && !r->cmd) || (r->cmd && r->nextra)) {
		usage_run(stderr);
		return LT_EXIT_USAGE;
	}
	r->kname = argv[optind];
	r->scen = argc - optind == 2 ? argv[optind + 1] : "cmd";
	if (!vm_safe_relpath(r->scen) || strchr(r->scen, '/'))
		return lt_err(LT_EXIT_USAGE, "bad scenario name '%s'", r->scen);
	return 0;
}

/* The kernel (fetched if missing), its BTF, the initramfs (the scripts skip what is done). */
static int prepare_images(struct vm_run *r)
{
	const char *arch = kcfg_get(&r->k, "arch"), *kname = r->kname;

	vm_snprintf(r->kdir, sizeof(r->kdir), "%s/cache/kernels/%s", vm_root, kname);
	if (!vm_exists("%s/kernel", r->kdir)) {
		char *fa[] = { "bash", "vm/fetch.sh", (char *)kname, NULL };

		if (!strncmp(kcfg_get(&r->k, "source"), "custom:", 7))
			return lt_err(LT_EXIT_FAIL, "%s: custom kernel not built (%s/kernel missing): vm/build-custom.sh %s",
				      kname, r->kdir, kname);
		fprintf(stderr, "%s: %s not prepared, running vm/fetch.sh %s\n", lt_prog, kname, kname);
		if (vm_run_wait(fa))
			return lt_err(LT_EXIT_FAIL, "vm/fetch.sh %s failed", kname);
	}
	if (!strcmp(vm_btf_kind(&r->k), "detached")) {
		vm_snprintf(r->btf, sizeof(r->btf), "%s/vmlinux.btf", r->kdir);
		r->with_btf = vm_exists("%s", r->btf);
		/* a scenario needs it (the collector loads CO-RE programs): say so here rather than
		 * after a boot that ends in "kernel has no BTF"; a --cmd may not need it */
		if (!r->with_btf && !r->cmd)
			return lt_err(LT_EXIT_FAIL, "%s has no BTF of its own and %s is missing: run "
				      "bash vm/fetch.sh %s --btf (or make vm-prepare VM_BTF=1)", kname, r->btf, kname);
		if (!r->with_btf)
			lt_warn("%s has no BTF of its own and %s is missing (vm/fetch.sh %s --btf)", kname, r->btf, kname);
	}
	char *ia[] = { "bash", "vm/initramfs.sh", (char *)arch, NULL };
	if (vm_run_wait(ia))
		return lt_err(LT_EXIT_FAIL, "vm/initramfs.sh %s failed", arch);
	vm_snprintf(r->base, sizeof(r->base), "%s/cache/initramfs/%s.cpio.gz", vm_root, arch);
	if (!r->cmd) {
		char man[PATH_MAX + 96], l[256];
		bool have = true;
		FILE *f;

		vm_snprintf(man, sizeof(man), "%s.manifest", r->base);
		if ((f = fopen(man, "r"))) {
			while (fgets(l, sizeof(l), f))
				if (!strncmp(l, "lazytlb: none", 13))
					have = false;
			fclose(f);
		}
		if (!have)
			return lt_err(LT_EXIT_FAIL, "the %s initramfs has no lazytlb binary: run make static-%s vm-initramfs "
				      "(or use --cmd)", arch, arch);
		if (vm_sources_newer_than(r->base))
			lt_warn("sources changed since %s was built: the guest runs the older lazytlb (make vm-initramfs)",
				r->base);
	}
	return 0;
}

/* DIR, without the files of an earlier run that this one may not write again */
static int prepare_outdir(struct vm_run *r)
{
	static const char *const stale[] = { "console.log", "vm-run.txt", "guest-cmd.log", "guest-error.txt" };
	char path[PATH_MAX + 64];

	if (r->outdir)
		vm_snprintf(r->dir, sizeof(r->dir), "%s", r->outdir);
	else
		vm_snprintf(r->dir, sizeof(r->dir), "out/vm/%s/%s", r->kname, r->scen);
	if (vm_mkdir_p(r->dir))
		return lt_err(LT_EXIT_FAIL, "%s: %s", r->dir, strerror(errno));
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		vm_snprintf(path, sizeof(path), "%s/%s", r->dir, stale[i]);
		unlink(path);
	}
	for (int i = 1; i < VM_BOOTS_MAX; i++) { /* the consoles of boots retried before */
		vm_snprintf(path, sizeof(path), "%s/console.boot-%d.log", r->dir, i);
		unlink(path);
	}
	return 0;
}

/* /lazytlb.env (what vm/init runs) into DIR/initrd.img with the config and BTF */
static int make_initrd(struct vm_run *r)
{
	char *env = NULL, path[PATH_MAX + 64], cfgpath[PATH_MAX + 64], moddir[PATH_MAX + 64], pkg[256] = "";
	size_t envlen = 0;
	FILE *ef = open_memstream(&env, &envlen);
	int rc;

	fputs("LT_KERNEL=", ef), vm_sh_quote(ef, r->kname), fputc('\n', ef);
	fputs("LT_SCENARIO=", ef), vm_sh_quote(ef, r->scen), fputc('\n', ef);
	fprintf(ef, "LT_NOHZ_FULL=%d\n", r->nohz);
	/* the package vm/fetch.sh resolved, into every result file the guest writes */
	vm_snprintf(path, sizeof(path), "%s/package", r->kdir);
	vm_read_first_line(path, pkg, sizeof(pkg));
	if (*pkg)
		fputs("LAZYTLB_KERNEL_PACKAGE=", ef), vm_sh_quote(ef, pkg), fputc('\n', ef);
	if (r->with_btf)
		fputs("LAZYTLB_BTF=/boot/vmlinux.btf\n", ef);
	if (r->cmd) {
		fputs("LT_CMD=", ef), vm_sh_quote(ef, r->cmd), fputc('\n', ef);
	} else {
		char *rc_cmd = NULL;
		size_t rc_len = 0;
		FILE *cf = open_memstream(&rc_cmd, &rc_len);

		fputs("lazytlb run ", cf), vm_sh_quote(cf, r->scen), fputs(" -o /out", cf);
		if (r->with_btf)
			fputs(" --btf /boot/vmlinux.btf", cf);
		for (int i = 0; i < r->nextra; i++)
			fputc(' ', cf), vm_sh_quote(cf, r->extra[i]);
		fclose(cf);
		fputs("LT_NEED_LAZYTLB=1\nLT_CMD=", ef), vm_sh_quote(ef, rc_cmd), fputc('\n', ef);
		free(rc_cmd);
	}
	fclose(ef);
	vm_snprintf(path, sizeof(path), "%s/release", r->kdir);
	vm_read_first_line(path, r->rel, sizeof(r->rel));
	vm_snprintf(cfgpath, sizeof(cfgpath), "%s/config", r->kdir);
	vm_snprintf(moddir, sizeof(moddir), "%s/modules", r->kdir); /* vm/guest-modules.sh */
	vm_snprintf(r->initrd, sizeof(r->initrd), "%s/initrd.img", r->dir);
	/* a big guest boots without the modules (vhost_net, kvm_amd): loading kvm_amd set up each of
	 * 128 vCPUs by IPI and took 44 s of a TCG guest; only vhost-owner and guest-tlbflush use them */
	rc = vm_write_initrd(r->initrd, r->base, env, envlen, r->with_btf ? r->btf : NULL,
			     r->no_config ? NULL : cfgpath, r->rel, r->big_on ? NULL : moddir, r->add, r->nadd);
	free(env);
	return rc;
}

/* A hang or stall of this boot as a status line into hang (empty if neither); why it is TCG's. */
static const char *hang_of(const struct vm_run *r, const struct vm_boot *b, const struct outcome *o, char *hang,
			   size_t len)
{
	hang[0] = 0;
	if (*o->panic)
		return NULL;
	if (b->stall_at) {
		vm_snprintf(hang, len, "stalled: %.400s", *o->stall ? o->stall : o->last);
		return "a guest lockup under TCG";
	}
	if (!b->hung)
		return NULL;
	if (b->init_seen)
		vm_snprintf(hang, len, "hung: console silent for %llu s after /init (last line: %.400s)",
			    (unsigned long long)r->boot_timeout, o->last);
	else
		vm_snprintf(hang, len, "hung: no /init within %llu s (last console line: %.400s)",
			    (unsigned long long)r->boot_timeout, o->last);
	return "a guest hang under TCG";
}

/* The verdict of the last boot into v: LT_EXIT_OK for "ok". */
static int verdict_of(const struct vm_run *r, const struct vm_boot *b, const struct outcome *o, const char *hang,
		      char *v, size_t len)
{
	int qstatus = WIFEXITED(b->status) ? WEXITSTATUS(b->status) : 128 + WTERMSIG(b->status);

	if (*o->panic)
		vm_snprintf(v, len, "guest panic: %s", o->panic);
	else if (*hang)
		vm_snprintf(v, len, "%s", hang);
	else if (b->timed_out)
		vm_snprintf(v, len, "timeout after %llu s%s (last console line: %.400s)", (unsigned long long)r->timeout,
			    o->begin ? " while printing the result" : ", no result", o->last);
	else if (!o->end && !strncmp(o->last_cmd_line, "LAZYTLB-HOST: ", 14))
		vm_snprintf(v, len, "%s", o->last_cmd_line + 14);
	else if (!o->end)
		vm_snprintf(v, len, "no result in the console log (qemu exited %d%s%.300s)", qstatus,
			    *o->last_cmd_line ? ", last line: " : "", o->last_cmd_line);
	else if (*o->bad)
		vm_snprintf(v, len, "result block damaged: %s", o->bad);
	else if (o->guest_rc != 0)
		vm_snprintf(v, len, "guest command exited %d%s%.300s", o->guest_rc, *o->last_cmd_line ? ": " : "",
			    o->last_cmd_line);
	else
		return vm_snprintf(v, len, "ok"), LT_EXIT_OK;
	return LT_EXIT_FAIL;
}

/* DIR/vm-run.txt: what ran and how it ended, each retried boot and why */
static void write_vm_run_txt(const struct vm_run *r, const struct vm_boot *b, const struct outcome *o,
			     const char *verdict, int boots, char retried[][600])
{
	char path[PATH_MAX + 64];
	FILE *vf;

	vm_snprintf(path, sizeof(path), "%s/vm-run.txt", r->dir);
	if (!(vf = fopen(path, "w")))
		return;
	fprintf(vf, "kernel: %s\nrelease: %s\nscenario: %s\ncmd: %s\nnohz_full: %d\nsmp: %s\n", r->kname, r->rel,
		r->scen, r->cmd ? r->cmd : "(lazytlb run)", r->nohz, r->smp);
	fprintf(vf, "status: %s\nwall_s: %.2f\nguest_init_s: %.2f\nguest_rc: %d\nfiles: %d\nqemu_exit: %d\n", verdict,
		b->wall, o->guest_init_s, o->guest_rc, o->nfiles,
		WIFEXITED(b->status) ? WEXITSTATUS(b->status) : 128 + WTERMSIG(b->status));
	fprintf(vf, "big: %s\nmemory_mib: %s\nboot_timeout_s: %llu\ntimeout_s: %llu\nmachine: %s\nappend: %s\n",
		r->big_why, r->mem, (unsigned long long)r->boot_timeout, (unsigned long long)r->timeout, r->machine_line,
		r->append);
	fprintf(vf, "boots: %d\nkernel_warnings: %d\n", boots, o->warnings);
	for (int i = 0; i + 1 < boots; i++)
		fprintf(vf, "boot_%d: %s (console.boot-%d.log)\n", i + 1, retried[i], i + 1);
	if (o->warnings)
		fprintf(vf, "first_warning: %s\n", o->warning);
	fclose(vf);
}

static int vm_run(int argc, char **argv)
{
	static struct vm_run r; /* large: not on the stack */
	struct outcome o;
	struct vm_boot b;
	char logpath[PATH_MAX + 64], hang[600], verdict[1024], retried[VM_BOOTS_MAX][600];
	const char *why;
	int rc, boots = 0;

	memset(&r, 0, sizeof(r));
	if ((rc = parse_run_opts(argc, argv, &r)))
		return rc < 0 ? LT_EXIT_OK : rc;
	if ((rc = vm_kcfg_load(r.kname, &r.k)))
		return rc;
	if (!r.timeout && (!*kcfg_get(&r.k, "timeout") || !lt_parse_u64(kcfg_get(&r.k, "timeout"), &r.timeout)))
		r.timeout = 300;
	if (strcmp(kcfg_get(&r.k, "arch"), "x86_64") && strcmp(kcfg_get(&r.k, "arch"), "ppc64le"))
		return lt_err(LT_EXIT_USAGE, "%s.kcfg: arch '%s' is not x86_64 or ppc64le", r.kname, kcfg_get(&r.k, "arch"));
	if ((rc = vm_scale_apply(&r)))
		return rc;
	if ((rc = vm_add_check(r.add, r.nadd, kcfg_get(&r.k, "arch"))))
		return rc;
	if ((rc = prepare_images(&r)) || (rc = prepare_outdir(&r)) || (rc = make_initrd(&r)) || (rc = vm_qemu_argv(&r)))
		return rc;
	vm_snprintf(logpath, sizeof(logpath), "%s/console.log", r.dir);
	for (;;) {
		boots++;
		if ((rc = vm_boot_once(&r, logpath, &b)))
			return rc;
		if (b.signal) {
			if (!r.keep)
				unlink(r.initrd);
			return lt_err(LT_EXIT_FAIL, "interrupted (signal %d); console in %s", b.signal, logpath);
		}
		memset(&o, 0, sizeof(o));
		vm_parse_console(logpath, r.dir, &o);
		why = *o.panic ? vm_tcg_artifact(&o) : NULL;
		const char *hwhy = hang_of(&r, &b, &o, hang, sizeof(hang));
		if (hwhy)
			why = hwhy;
		if (!why || boots >= (int)r.boots)
			break;
		/* TCG's, not the run's: keep this console and boot again */
		char kept[PATH_MAX + 64];
		const char *what = *hang ? hang : o.panic;

		vm_snprintf(kept, sizeof(kept), "%s/console.boot-%d.log", r.dir, boots);
		rename(logpath, kept);
		lt_warn("%s: %s%s, %s: booting again (console: %s)", r.kname, *hang ? "" : "guest panic: ", what, why, kept);
		vm_snprintf(retried[boots - 1], sizeof(retried[0]), "%s: %s", why, what);
	}
	if (!r.keep)
		unlink(r.initrd);
	rc = verdict_of(&r, &b, &o, hang, verdict, sizeof(verdict));
	write_vm_run_txt(&r, &b, &o, verdict, boots, retried);
	if (o.warnings)
		lt_warn("%s: the guest kernel warned %d time%s: %s", r.kname, o.warnings, o.warnings == 1 ? "" : "s",
			o.warning);
	if (rc)
		return lt_err(rc, "%s %s: %s (console: %s)", r.kname, r.scen, verdict, logpath);
	printf("%s %s: ok in %.1f s (guest /init at %.1f s), %d file%s in %s\n", r.kname, r.scen, b.wall,
	       o.guest_init_s, o.nfiles, o.nfiles == 1 ? "" : "s", r.dir);
	return LT_EXIT_OK;
}

/* `vm kcfg NAME [KEY]`: the one kcfg reader, for the vm/ scripts and the tests (vm/kcfg.sh):
 * KEY's value ("" when absent), or every "key = value" of the file */
static int vm_kcfg(int argc, char **argv)
{
	struct kcfg k;
	int rc;

	if (argc < 2 || argc > 3)
		return lt_err(LT_EXIT_USAGE, "usage: lazytlb vm kcfg KERNEL [KEY]");
	if ((rc = vm_kcfg_load(argv[1], &k)))
		return rc;
	if (argc == 3) {
		printf("%s\n", kcfg_get(&k, argv[2]));
		return LT_EXIT_OK;
	}
	for (int i = 0; i < k.n; i++)
		printf("%s = %s\n", k.key[i], k.val[i]);
	return LT_EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lazytlb vm list\n"
		   "       lazytlb vm run KERNEL SCENARIO [-o DIR] [--nohz-full] [--timeout S] [-v] [-- RUN-OPTIONS]\n"
		   "       lazytlb vm run KERNEL --cmd CMD [-o DIR] [--nohz-full] [--timeout S] [-v]\n"
		   "       lazytlb vm ab KERNEL_A KERNEL_B SCENARIO [-o DIR] [-r N] [-d S] [-- RUN-OPTIONS]\n"
		   "       lazytlb vm sweep KERNEL... SCENARIO --smp LIST [-o DIR] [-r N] [-d S] [-- RUN-OPTIONS]\n"
		   "       lazytlb vm kcfg KERNEL [KEY]   (a kcfg as lazytlb reads it: one KEY, or all)\n"
		   "  The qemu kernel matrix: kernels-config/*.kcfg (see kernels-config/README.md).\n"
		   "  `lazytlb vm run --help`, `lazytlb vm ab --help`, `lazytlb vm sweep --help` for details.\n"
		   "  Prepare the images with `make vm-prepare` (or vm/fetch.sh KERNEL; vm/initramfs.sh ARCH).\n"
		   "  `lazytlb vm` runs in a source tree (kernels-config/, vm/, and cache/ for the kernels and\n"
		   "  images): $LAZYTLB_ROOT, else the tree the binary was built in (TREE/build/lazytlb), else\n"
		   "  the current directory. `make install` and the Debian package install none of it: run\n"
		   "  `make vm-prepare` in a clone and `lazytlb vm` there, or set LAZYTLB_ROOT to it.\n");
}

int cmd_vm(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return lt_err(LT_EXIT_USAGE, "needs a subcommand: list, run, ab, sweep or kcfg (try lazytlb vm --help)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LT_EXIT_OK;
	}
	/* `vm SUB --help` is read where no tree is (an install, its man pages) */
	if (!(argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) && (rc = vm_find_root()))
		return rc;
	if (!strcmp(argv[1], "list"))
		return vm_list();
	if (!strcmp(argv[1], "run"))
		return vm_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ab"))
		return vm_ab(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sweep"))
		return vm_sweep(argc - 1, argv + 1);
	if (!strcmp(argv[1], "kcfg"))
		return vm_kcfg(argc - 1, argv + 1);
	return lt_err(LT_EXIT_USAGE, "unknown vm command '%s': list, run, ab, sweep or kcfg (try lazytlb vm --help)", argv[1]);
}
