# vm/kcfg.sh - sourced by the vm/ scripts and the VM tests: read kernels-config/*.kcfg.
# kcfg_get FILE KEY: the value of the first "KEY = value" line, trailing blanks dropped
# (the format: kernels-config/README.md; userspace/cmd/cmd_vm.c reads it the same way).
kcfg_get() { sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "$1" | sed 's/[[:space:]]*$//' | head -n 1; }
