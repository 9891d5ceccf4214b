// SPDX-License-Identifier: GPL-2.0
/*
 * vm_initrd.c - the guest's initrd (vm.h): a small uncompressed newc cpio carrying
 * /lazytlb.env, the kernel config, a detached BTF and the user's --add files, in front of the
 * per-arch initramfs.
 */
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/cli.h"
#include "vm.h"

/* ---- a newc cpio (the format the kernel unpacks into its rootfs) ---- */
static int cpio_pad(FILE *f, long n)
{
	static const char z[4];

	return fwrite(z, 1, (size_t)((4 - n % 4) % 4), f) == (size_t)((4 - n % 4) % 4) ? 0 : -1;
}

static int cpio_entry(FILE *f, const char *name, unsigned int mode, const void *data, size_t size)
{
	static unsigned int ino = 1000;
	size_t nlen = strlen(name) + 1;

	if (fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino++, mode, 0u, 0u,
		    (mode & S_IFDIR) ? 2u : 1u, 0u, size, 0u, 0u, 0u, 0u, nlen, 0u) != 110)
		return -1;
	if (fwrite(name, 1, nlen, f) != nlen || cpio_pad(f, 110 + (long)nlen))
		return -1;
	if (size && fwrite(data, 1, size, f) != size)
		return -1;
	return cpio_pad(f, (long)size);
}

/* The modules moddir/order lists (vm/guest-modules.sh), into lib/lazytlb-modules/ with that
 * `order`, which vm/init loads in turn. No moddir/order (a custom kernel): none. */
static int add_modules(FILE *f, const char *moddir)
{
	char path[PATH_MAX], name[256], dst[320];
	size_t sz;
	void *buf;
	int err = 0;
	FILE *o;

	vm_snprintf(path, sizeof(path), "%s/order", moddir);
	o = fopen(path, "r");
	if (!o)
		return 0;
	err |= cpio_entry(f, "lib", S_IFDIR | 0755, NULL, 0);
	err |= cpio_entry(f, "lib/lazytlb-modules", S_IFDIR | 0755, NULL, 0);
	while (!err && fgets(name, sizeof(name), o)) {
		name[strcspn(name, "\n")] = 0;
		if (!*name || strchr(name, '/'))
			continue;
		vm_snprintf(path, sizeof(path), "%s/%s", moddir, name);
		if (!(buf = vm_slurp(path, &sz))) {
			err = lt_err(LT_EXIT_FAIL, "%s: %s (rerun vm/guest-modules.sh)", path, strerror(errno));
			break;
		}
		vm_snprintf(dst, sizeof(dst), "lib/lazytlb-modules/%s", name);
		err |= cpio_entry(f, dst, S_IFREG | 0644, buf, sz);
		free(buf);
	}
	fclose(o);
	vm_snprintf(path, sizeof(path), "%s/order", moddir);
	if (!err && (buf = vm_slurp(path, &sz))) {
		err |= cpio_entry(f, "lib/lazytlb-modules/order", S_IFREG | 0644, buf, sz);
		free(buf);
	}
	return err;
}

/* the name an --add file has in the guest's /add */
static const char *add_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The guest's initramfs has busybox and lazytlb, both static, and no C library or loader: a
 * dynamically linked program would fail there with a bare "not found" from the shell. */
static int add_check_one(const char *path, const char *arch)
{
	const char *base = add_name(path);
	int want_machine = !strcmp(arch, "ppc64le") ? EM_PPC64 : EM_X86_64; /* both little endian */
	Elf64_Ehdr eh;
	struct stat st;
	FILE *f;

	if (stat(path, &st))
		return lt_err(LT_EXIT_USAGE, "--add %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return lt_err(LT_EXIT_USAGE, "--add %s: not a regular file", path);
	if ((unsigned long long)st.st_size > VM_ADD_MAX_BYTES)
		return lt_err(LT_EXIT_USAGE, "--add %s: %lld bytes, more than %u MiB", path, (long long)st.st_size,
			      VM_ADD_MAX_BYTES >> 20);
	if (!*base || !vm_safe_relpath(base))
		return lt_err(LT_EXIT_USAGE, "--add %s: the name '%s' cannot be a file in the guest's /add", path, base);
	if (!(f = fopen(path, "rb")))
		return lt_err(LT_EXIT_USAGE, "--add %s: %s", path, strerror(errno));
	size_t n = fread(&eh, 1, sizeof(eh), f);
	if (n < sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		fclose(f);
		return 0; /* a script or data: busybox sh runs scripts */
	}
	bool le = eh.e_ident[EI_DATA] == ELFDATA2LSB;
	uint16_t machine = le ? eh.e_machine : (uint16_t)((eh.e_machine >> 8) | (eh.e_machine << 8));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || machine != want_machine || !le) {
		fclose(f);
		return lt_err(LT_EXIT_USAGE, "--add %s: an ELF file for another machine (e_machine %u, %s-bit, %s endian); "
			      "the guest is %s", path, machine, eh.e_ident[EI_CLASS] == ELFCLASS64 ? "64" : "32",
			      le ? "little" : "big", arch);
	}
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (fseek(f, (long)(eh.e_phoff + (uint64_t)i * eh.e_phentsize), SEEK_SET) || fread(&ph, sizeof(ph), 1, f) != 1)
			break;
		if (ph.p_type == PT_INTERP) {
			fclose(f);
			return lt_err(LT_EXIT_USAGE, "--add %s: dynamically linked; the guest has no C library: link it "
				      "with -static", path);
		}
	}
	fclose(f);
	return 0;
}

int vm_add_check(const char *const *add, int nadd, const char *arch)
{
	int rc;

	for (int i = 0; i < nadd; i++) {
		if ((rc = add_check_one(add[i], arch)))
			return rc;
		for (int j = 0; j < i; j++)
			if (!strcmp(add_name(add[i]), add_name(add[j])))
				return lt_err(LT_EXIT_USAGE, "--add %s: a second file named '%s' in /add", add[i],
					      add_name(add[i]));
	}
	return 0;
}

/* the --add files into add/, executable where the host's copy is */
static int add_files(FILE *f, const char *const *add, int nadd)
{
	int err = 0;

	if (!nadd)
		return 0;
	err |= cpio_entry(f, "add", S_IFDIR | 0755, NULL, 0);
	for (int i = 0; i < nadd && !err; i++) {
		char dst[PATH_MAX];
		struct stat st;
		size_t sz;
		void *buf = vm_slurp(add[i], &sz);

		if (!buf || stat(add[i], &st)) {
			free(buf);
			return lt_err(LT_EXIT_FAIL, "--add %s: %s", add[i], strerror(errno));
		}
		vm_snprintf(dst, sizeof(dst), "add/%s", add_name(add[i]));
		err |= cpio_entry(f, dst, S_IFREG | ((st.st_mode & S_IXUSR) ? 0755 : 0644), buf, sz);
		free(buf);
	}
	return err;
}

/* initrd = [newc: /lazytlb.env, /boot/config-RELEASE, /boot/vmlinux.btf, /add/NAME] + the per-arch initramfs
 * (gzip); the kernel unpacks concatenated archives in order, the uncompressed one first as with
 * early microcode. The config lets the collector read the lazy-TLB scheme from it (the Debian
 * kernels have no /proc/config.gz). */
int vm_write_initrd(const char *path, const char *base, const char *env, size_t envlen, const char *btf,
			const char *config, const char *release, const char *moddir, const char *const *add, int nadd)
{
	void *basebuf, *btfbuf = NULL, *cfgbuf = NULL;
	size_t basesz, btfsz = 0, cfgsz = 0;
	char cfgname[256];
	FILE *f;
	int err = 0;

	basebuf = vm_slurp(base, &basesz);
	if (!basebuf)
		return lt_err(LT_EXIT_FAIL, "%s: %s", base, strerror(errno));
	if (btf && !(btfbuf = vm_slurp(btf, &btfsz))) {
		free(basebuf);
		return lt_err(LT_EXIT_FAIL, "%s: %s", btf, strerror(errno));
	}
	if (*release && config)
		cfgbuf = vm_slurp(config, &cfgsz); /* optional (NULL: vm run --no-config) */
	f = fopen(path, "wb");
	if (!f) {
		free(basebuf);
		free(btfbuf);
		free(cfgbuf);
		return lt_err(LT_EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
	err |= cpio_entry(f, "lazytlb.env", S_IFREG | 0644, env, envlen);
	if (btfbuf || cfgbuf)
		err |= cpio_entry(f, "boot", S_IFDIR | 0755, NULL, 0);
	if (btfbuf)
		err |= cpio_entry(f, "boot/vmlinux.btf", S_IFREG | 0644, btfbuf, btfsz);
	if (cfgbuf) {
		vm_snprintf(cfgname, sizeof(cfgname), "boot/config-%s", release);
		err |= cpio_entry(f, cfgname, S_IFREG | 0644, cfgbuf, cfgsz);
	}
	if (moddir)
		err |= add_modules(f, moddir);
	if (!err && (err = add_files(f, add, nadd)) > 0) {
		fclose(f);
		unlink(path);
		free(basebuf);
		free(btfbuf);
		free(cfgbuf);
		return err;
	}
	err |= cpio_entry(f, "TRAILER!!!", 0, NULL, 0);
	while (!err && ftell(f) % 512) /* pad the archive like cpio does */
		err |= fputc(0, f) == EOF;
	err |= fwrite(basebuf, 1, basesz, f) != basesz;
	err |= fclose(f) != 0;
	free(basebuf);
	free(btfbuf);
	free(cfgbuf);
	return err ? lt_err(LT_EXIT_FAIL, "%s: write failed", path) : 0;
}
