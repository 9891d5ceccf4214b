/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - the parts of `lazytlb vm` (cmd_vm.c on top): the tree and kcfg (vm_util.c), the
 * initrd (vm_initrd.c), the console protocol with vm/init (vm_console.c), qemu and one boot
 * under its deadlines (vm_boot.c). Image preparation stays in the scripts: vm/fetch.sh,
 * vm/initramfs.sh.
 */
#ifndef LT_VM_H
#define LT_VM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "kcfg.h"

/* vm/init's result block and its own lines */
#define MARK_BEGIN "=====LAZYTLB-RESULT-BEGIN====="
#define MARK_END "=====LAZYTLB-RESULT-END====="
#define MARK_FILE "=====LAZYTLB-FILE "
#define MARK_RC "=====LAZYTLB-RC "
#define MARK_TAIL "====="
#define GUEST_MARK "LAZYTLB-GUEST: "
#define INIT_MARK GUEST_MARK "init at "

/* Boots of one run: the first and up to two more after a panic or hang that is qemu's (--boots) */
#define VM_BOOTS_DEFAULT 3
#define VM_BOOTS_MAX 9
/* Default --boot-timeout: a boot that has not reached /init by then hung (seen once under TCG:
 * stuck at 1.3 s, unpacking the initramfs); boots reach it in 2-4 s here, 10 s when loaded. */
#define VM_INIT_DEADLINE_S 60
/* Big guests (vm_scale.c): more than VM_BIG_SMP vCPUs take its settings under --big auto;
 * VM_SMP_MAX: the most vCPUs of any arch (the collector's LT_MAX_CPUS) */
#define VM_BIG_SMP 16
#define VM_SMP_MAX 1024
#define VM_BIG_LPJ "8000000"
#define VM_STR_(x) #x
#define VM_STR(x) VM_STR_(x)
enum { VM_BIG_AUTO, VM_BIG_YES, VM_BIG_NO };
/* after a lockup report, how long to keep reading the console (the rest of the report) */
#define VM_STALL_GRACE_S 5
/* bytes of the last read kept to scan with the next: longer than INIT_MARK and the stall patterns */
#define VM_SCAN_OVERLAP 64

extern char vm_root[PATH_MAX];

/* vm_util.c */
int vm_snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vm_find_root(void);                                   /* sets vm_root; lt_err on failure */
int vm_kcfg_load(const char *name, struct kcfg *k);       /* kernels-config/NAME.kcfg; lt_err */
const char *vm_btf_kind(const struct kcfg *k);            /* "sysfs" or "detached" */
bool vm_exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vm_read_first_line(const char *path, char *buf, size_t len);
int vm_ab(int argc, char **argv);                         /* cmd_vm_ab.c: `vm ab` */
int vm_sweep(int argc, char **argv);                      /* cmd_vm_sweep.c: `vm sweep` */
int vm_run_wait(char *const argv[]);                      /* in vm_root; exit status */
int vm_mkdir_p(const char *dir);
int vm_wait_child(pid_t pid);                             /* its exit status, -1 on error */
/* -r N, -d S, --timeout S of `vm ab` and `vm sweep` (getopt's c, 'r' 'd' 't'), checked and
 * kept as given for the child `vm run`: 0, an exit status (lt_err), or -1 for another c */
int vm_child_opt(int c, const char *arg, const char **reps, const char **dur, const char **timeout);
/* the arguments after "--" (the guest's `lazytlb run` options) split off: returns argc before it */
int vm_split_extra(int argc, char **argv, char ***extra, int *nextra);
void *vm_slurp(const char *path, size_t *size);           /* malloc'd, NULL on error */
void vm_sh_quote(FILE *f, const char *s);
bool vm_sources_newer_than(const char *file);

/* vm_initrd.c */
/* --add: the most files, and their size each; each a file the guest can run on arch (an ELF
 * of that machine, statically linked: the guest has no C library) or data, and no two of one
 * name: 0 or lt_err */
#define VM_ADD_MAX 16
#define VM_ADD_MAX_BYTES (256u << 20)
int vm_add_check(const char *const *add, int nadd, const char *arch);
int vm_write_initrd(const char *path, const char *base, const char *env, size_t envlen, const char *btf,
		    const char *config, const char *release, const char *moddir, const char *const *add, int nadd);

/* vm_console.c */
struct outcome {
	char panic[512];    /* first "Kernel panic"/"Oops" line */
	char panic_rip[160];/* the first "RIP: " line after it (x86) */
	bool begin, end;    /* result markers seen */
	int guest_rc;       /* from LAZYTLB-RC, -1 if absent */
	int nfiles;
	char bad[512];      /* a malformed result block, why */
	double guest_init_s;/* uptime when /init started */
	char last_cmd_line[512];
	int warnings;       /* kernel "WARNING: CPU: ..." splats */
	char warning[512];  /* the first one */
	char last[512];     /* the last non-empty console line, for a hang or timeout verdict */
	char stall[512];    /* the first lockup report (see stall_line) */
};
const char *vm_stall_line(const char *buf, size_t len);   /* a lockup report in buf, or NULL */
bool vm_safe_relpath(const char *p);
const char *vm_tcg_artifact(const struct outcome *o);     /* why a panic is TCG's, or NULL */
void vm_parse_console(const char *log, const char *dir, struct outcome *o);

/* one `vm run`: its options, paths and qemu command line (cmd_vm.c fills it, vm_boot.c boots) */
struct vm_run {
	const char *outdir, *cmd, *more_append, *kname, *scen;
	char **extra;              /* after "--": options of the guest's `lazytlb run` */
	const char *add[VM_ADD_MAX]; /* --add: files into the guest's /add (on its PATH) */
	int nadd;
	int nextra;
	bool nohz, keep, with_btf, no_config;
	uint64_t timeout, boot_timeout, smp_n; /* smp_n: --smp, 0 = the kcfg's */
	uint64_t maxcpus_n;                    /* --maxcpus: possible CPUs (hotpluggable), 0 = smp */
	int big;                               /* --big: VM_BIG_AUTO, _YES, _NO */
	bool big_on, mem_set, timeout_set, boot_timeout_set;
	char big_why[96];                      /* "yes (auto: ...)", for vm-run.txt */
	char machine_line[512];                /* machine before it is split into qargv */
	uint64_t boots;                        /* --boots: at most this many */
	struct kcfg k;
	char dir[PATH_MAX], kdir[PATH_MAX + 64], base[PATH_MAX + 64], btf[PATH_MAX + 64];
	char initrd[PATH_MAX + 64], kernel[PATH_MAX + 64], rel[128];
	char machine[512], append[1024], smp[96], mem[32];
	char *qargv[96];
	int qn;
};

/* what one boot did (vm_boot.c) */
struct vm_boot {
	bool timed_out, init_seen, hung;
	double stall_at;           /* when a lockup report was seen, 0 none */
	double wall;               /* seconds */
	int status;                /* qemu's wait status */
	int signal;                /* SIGINT/SIGTERM to us meanwhile, 0 none */
};

/* vm_scale.c */
unsigned int vm_smp_max(const struct kcfg *k);            /* the most vCPUs for the kcfg's arch */
unsigned int vm_kernel_nr_cpus(const char *kname);       /* its CONFIG_NR_CPUS, 0 unknown */
int vm_scale_apply(struct vm_run *r);   /* r->smp, r->mem, big or not, deadlines; lt_err */
void vm_scale_cmdline(struct vm_run *r); /* a big guest's r->machine and r->append */

/* vm_boot.c */
int vm_qemu_argv(struct vm_run *r);                       /* r->qargv, DIR/qemu.cmd; lt_err */
int vm_boot_once(struct vm_run *r, const char *logpath, struct vm_boot *b); /* lt_err on setup */

#endif
