# lazytlb - top-level build. `make` builds build/lazytlb; `make test` runs the tests;
# `make deps` installs the Debian packages the build and tests need.
#
# Cross/static builds (the qemu kernel matrix): make ARCH=powerpc STATIC=1 \
#   CROSS_COMPILE=powerpc64le-linux-gnu- SYSROOT=cache/sysroot-ppc64el BUILD=build-ppc64le

HOSTARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/ppc64le/powerpc/' -e 's/aarch64/arm64/')
ARCH ?= $(HOSTARCH)
BUILD ?= build
CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
CLANG ?= clang
BPFTOOL ?= bpftool
STATIC ?=
SYSROOT ?=
GIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -std=gnu11 -D_GNU_SOURCE -I$(BUILD) -I. -Iuserspace \
	  -DLT_GIT='"$(GIT)"' -DLT_ARCH='"$(ARCH)"'
LDLIBS := -lbpf -lelf -lz -lm -lpthread
TRIPLET := $(shell $(CC) -dumpmachine 2>/dev/null)
ifneq ($(SYSROOT),)
CFLAGS += -I$(SYSROOT)/usr/include -I$(SYSROOT)/usr/include/$(TRIPLET)
LDFLAGS += -L$(SYSROOT)/usr/lib/$(TRIPLET)
endif
ifneq ($(STATIC),)
LDFLAGS += -static
LDLIBS += $(shell [ -e $(SYSROOT)/usr/lib/$(TRIPLET)/libzstd.a ] && echo -lzstd)
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(wildcard userspace/*.c userspace/*/*.c bench/*.c)
USER_HDRS := $(wildcard userspace/*/*.h bench/*.h bpf/lazytlb.h bpf/lt_names.h)
USER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(USER_SRCS))
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf/$(ARCH) -Ibpf -Wall -Wno-unused-function

DEPS_PKGS := clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev gnuplot-nox linux-perf bpftrace \
	     libxml2-utils python3 file bc libclang-rt-14-dev librsvg2-bin

.PHONY: all deps test bench-overhead clean check-deps
all: check-deps $(BUILD)/lazytlb

# The build installs what is missing (Debian), so a fresh machine needs only `make`.
check-deps:
	@command -v $(CLANG) >/dev/null && command -v $(BPFTOOL) >/dev/null && \
	  [ -e /usr/include/bpf/libbpf.h ] && [ -e /usr/include/gelf.h ] || $(MAKE) --no-print-directory deps

deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get)"; exit 1; fi
	@# a foreign-arch index caught mid-sync must not stop us: install decides
	apt-get update -qq || echo "make deps: apt-get update reported errors (continuing)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS_PKGS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c bpf/lazytlb.h bpf/lt_names.h $(wildcard bpf/*.bpf.h) bpf/$(ARCH)/vmlinux.h
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	llvm-strip -g $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/obj/%.o: %.c $(SKELS) $(USER_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/lazytlb: $(USER_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

test: all
	@bash tests/run.sh

# one kind of test: the C unit tests, the host tests (root), the qemu guest tests
.PHONY: test-unit test-host test-vm
test-unit test-host test-vm: all
	@KIND=$(patsubst test-%,%,$@) bash tests/run.sh

bench-overhead: all
	@bash tests/bench-overhead.sh

# ns/event of each BPF program at 1, 2, 4, 8 CPUs in qemu guests (issue 17): out/bench-scale/
.PHONY: bench-scale
bench-scale: all vm-initramfs
	@bash tests/bench-scale.sh

clean:
	rm -rf $(BUILD)

# ---- qemu kernel matrix (kernels-config/README.md): static guest binaries, kernels, initramfs ----
PPC_SYSROOT ?= cache/sysroot-ppc64el
.PHONY: static-x86_64 static-ppc64le vm-sysroot vm-initramfs vm-prepare
static-x86_64:
	$(MAKE) --no-print-directory ARCH=x86 STATIC=1 CROSS_COMPILE= SYSROOT= BUILD=build-x86_64 build-x86_64/lazytlb
	@file build-x86_64/lazytlb | grep -q 'statically linked' || { echo "build-x86_64/lazytlb is not static"; exit 1; }

static-ppc64le: vm-sysroot
	$(MAKE) --no-print-directory ARCH=powerpc STATIC=1 CROSS_COMPILE=powerpc64le-linux-gnu- \
		SYSROOT=$(PPC_SYSROOT) BUILD=build-ppc64le build-ppc64le/lazytlb
	@file build-ppc64le/lazytlb | grep -q 'statically linked' || { echo "build-ppc64le/lazytlb is not static"; exit 1; }

vm-sysroot: vm-cache
	@bash vm/sysroot.sh $(PPC_SYSROOT)

# downloads shared by every checkout on this machine (vm/shared-cache.sh)
.PHONY: vm-cache
vm-cache:
	@bash vm/shared-cache.sh

# The initramfs carries the static lazytlb when it builds; when it does not (tree mid-change),
# the images are still built (guest `--cmd` works) and vm/initramfs.sh says what is missing.
vm-initramfs:
	-@$(MAKE) --no-print-directory static-x86_64
	-@$(MAKE) --no-print-directory static-ppc64le
	bash vm/initramfs.sh x86_64
	bash vm/initramfs.sh ppc64le

# Everything `lazytlb vm run` needs for the four Debian kernels (VM_BTF=1: also the detached
# BTF of the kernels without one, a 718 MB -dbg download each).
vm-prepare: all vm-cache
	bash vm/setup-host.sh
	for k in kernels-config/debian-*.kcfg; do bash vm/fetch.sh $$(basename $$k .kcfg) $(if $(VM_BTF),--btf) || exit 1; done
	$(MAKE) --no-print-directory vm-initramfs

# The custom kernels of kernels-config/custom-*.kcfg: Debian linux-source-6.12 as shipped and
# patched, per arch (vm/build-custom.sh; cached in cache/kernels/NAME, rebuilt only when their
# inputs change). Not in CI: the first kernel of an arch takes ~15-20 min on 2 CPUs, the others
# of the arch an incremental rebuild. The sorted names build each twin before the kernels that
# carry what-if patches over it (NAME-whatif). CUSTOM="NAME..." picks some.
CUSTOM ?= $(sort $(basename $(notdir $(wildcard kernels-config/custom-*.kcfg))))
.PHONY: custom-kernels
custom-kernels: all vm-cache
	bash vm/setup-host.sh
	bash vm/build-custom.sh $(CUSTOM)

# ---- built-in scenarios: bench/scenarios/*.scn and *.suite compiled into the binary ----
# (bench/scenario.c reads them by name, so `lazytlb run NAME` needs only the binary)
SCN_FILES := $(sort $(wildcard bench/scenarios/*.scn bench/scenarios/*.suite))
$(BUILD)/gen/scenarios_builtin.c: $(SCN_FILES) bench/gen_scenarios.sh
	@mkdir -p $(dir $@)
	sh bench/gen_scenarios.sh $(SCN_FILES) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/bench/scenarios_builtin.o: $(BUILD)/gen/scenarios_builtin.c bench/scenario.h bench/workload.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/lazytlb: $(BUILD)/obj/bench/scenarios_builtin.o

# ---- the main job: the default suite on the running kernel, summary and plots ----
RESULTS ?= results
.PHONY: run
run: all
	@# exit 3: some scenarios cannot run on this kernel (their result files say why)
	$(BUILD)/lazytlb run --suite default -o $(RESULTS) || [ $$? = 3 ]
	$(BUILD)/lazytlb plot -o $(RESULTS)/plots $(RESULTS)/*.json
	@echo "report: $(RESULTS)/plots/report.md"

# ---- every prepared kernel of the matrix runs one scenario; compare each pair ----
.PHONY: e2e
e2e: all
	bash vm/e2e.sh $(SCENARIO)

# ---- fuzzing (libFuzzer, clang): the JSON reader (result files) and the kcfg reader ----
# `make fuzz FUZZ_S=600` runs each harness for FUZZ_S seconds from the seeds in
# tests/fuzz/corpus/ (copied to build-fuzz/corpus-NAME, which grows); a crash is saved in
# build-fuzz/artifacts/ and fails the target. The test suite runs a 20 s smoke of each.
FUZZ_S ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Wno-unknown-warning-option \
	$(filter-out -O2 -g,$(CFLAGS))
FUZZ_SRCS := $(filter-out userspace/main.c,$(USER_SRCS))
FUZZ_OBJS := $(patsubst %.c,build-fuzz/obj/%.o,$(FUZZ_SRCS)) build-fuzz/obj/scenarios_builtin.o
FUZZERS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-build
build-fuzz/obj/%.o: %.c $(SKELS) $(USER_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@
build-fuzz/obj/scenarios_builtin.o: $(BUILD)/gen/scenarios_builtin.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(CLANG) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer $(filter-out -O2 -g,$(CFLAGS)) -Wno-unknown-warning-option \
		-o $@ $^ $(LDLIBS)
fuzz-build: $(FUZZERS)
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_S) $(FUZZERS)
# no target is an intermediate to delete (the fuzz objects, the skeleton and BPF object
# that pattern rules reach through them)
.SECONDARY:
