# How bpf/powerpc/vmlinux.h was generated (ppc64le, Debian bookworm-backports kernel package
# linux-image-6.12.95+deb12-powerpc64le, version 6.12.95-1~bpo12+1, ppc64el; its /boot/vmlinux-*
# is an ELF with a .BTF section, CONFIG_DEBUG_INFO_BTF=y, CONFIG_MMU_LAZY_TLB_SHOOTDOWN=y):
echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/bookworm-backports.list
dpkg --add-architecture ppc64el && apt-get update
apt-get download linux-image-6.12.95+deb12-powerpc64le:ppc64el=6.12.95-1~bpo12+1
dpkg -x linux-image-6.12.95+deb12-powerpc64le_6.12.95-1~bpo12+1_ppc64el.deb x
bpftool btf dump file x/boot/vmlinux-6.12.95+deb12-powerpc64le format c > bpf/powerpc/vmlinux.h
# bpftool v7.1.0 (Debian bookworm package `bpftool`, libbpf v1.1), run on an x86_64 host.
# (vm/fetch.sh debian-6.12-ppc64el does the download/extract steps into cache/kernels/.)
