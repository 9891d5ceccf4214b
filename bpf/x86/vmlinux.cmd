# How bpf/x86/vmlinux.h was generated (x86_64, Linux 6.18.44 running kernel of the dev machine):
bpftool btf dump file /sys/kernel/btf/vmlinux format c > bpf/x86/vmlinux.h
# bpftool v7.1.0 (Debian bookworm package `bpftool`). CO-RE relocations make the programs work on
# older and newer kernels; fields that moved between versions are handled in bpf/core_fixes.bpf.h.
