# tests/checks/matrix.sh - produce (busybox sh, in a guest): the runs tests/checks/matrix.py
# checks on every kernel of the matrix. $O: output directory; $LT: lazytlb.
mkdir -p "$O"
btf=; [ -n "${LAZYTLB_BTF:-}" ] && btf="--btf $LAZYTLB_BTF"
$LT run tlbflush -r 1 -d 3 -w 0 -o "$O" $btf > "$O/tlbflush.log" 2>&1; echo $? > "$O/tlbflush.rc"
$LT run exit-lazy -r 1 -d 1 -w 0 -o "$O" $btf > "$O/exit-lazy.log" 2>&1; echo $? > "$O/exit-lazy.rc"
# the scheme as a machine without its kernel config sees it (Debian kernels have no
# /proc/config.gz: `vm run` put the config in /boot)
mkdir -p /tmp/noconfig
mv /boot/config-* /tmp/noconfig/ 2>/dev/null
$LT record -q -d 1 -o "$O/noconfig.json" $btf > "$O/noconfig.log" 2>&1; echo $? > "$O/noconfig.rc"
mv /tmp/noconfig/* /boot/ 2>/dev/null
uname -r > "$O/release"
