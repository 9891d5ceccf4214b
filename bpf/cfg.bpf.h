/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cfg.bpf.h - what every program includes first: the kernel's types (vmlinux.h), libbpf's
 * helpers, the layout shared with userspace (lazytlb.h), the kernel-version fixes, and cfg,
 * the knobs userspace writes into .rodata before the load (frozen: the verifier knows them).
 */
#ifndef LT_CFG_BPF_H
#define LT_CFG_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lazytlb.h"
#include "core_fixes.bpf.h"

const volatile struct lt_cfg cfg = {};

#endif /* LT_CFG_BPF_H */
