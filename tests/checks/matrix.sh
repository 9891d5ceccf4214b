# tests/checks/matrix.sh - produce (busybox sh, in a guest): the runs tests/checks/matrix.py
# checks on every kernel of the matrix. $O: output directory; $LT: lazytlb.
# The kernel config is moved away first: the scheme must then come from the kernel version or
# kallsyms, as on a machine without its config (Debian kernels have no /proc/config.gz; `vm
# run` put the config in /boot; the config path is checked by t_vm_lazy and t_vm_custom).
# One `run` for all scenarios: the collector's load is most of a guest's time under TCG.
mkdir -p "$O" /tmp/noconfig
mv /boot/config-* /tmp/noconfig/ 2>/dev/null
btf=; [ -n "${LAZYTLB_BTF:-}" ] && btf="--btf $LAZYTLB_BTF"
# helper-exec: each core dump piped to a helper is one exec by a task without an
# mm, whose exec_mmap drops the lazy mm it ran on; the workload needs core_pattern set so
echo "|/bin/busybox true" > /proc/sys/kernel/core_pattern
# cpu-hotplug: CPU 1 offline and back, the mm references hotplug moves (the guest's CPU to lose)
# vhost-owner: kthread_use_mm by the vhost worker, where vm/init loaded the kernel's vhost_net
vh=; [ -e /dev/vhost-net ] && vh=vhost-owner
echo "${vh:-none}" > "$O/vhost"
$LT run tlbflush exit-lazy exit-other-mm membarrier helper-exec cpu-hotplug $vh -r 1 -d 1.5 -w 0 -o "$O" $btf > "$O/run.log" 2>&1; echo $? > "$O/run.rc"
mv /tmp/noconfig/* /boot/ 2>/dev/null
uname -r > "$O/release"
