# lazytlb - top-level build. `make` builds build/lazytlb (it never installs anything: a missing
# tool is one line naming it); `make deps` installs the Debian packages the build and tests need
# (root); `make test` runs the tests; `make install`, `make deb`, `make static`: docs/install.md.
# V=1 shows the commands instead of one "CC file" line each.
#
# Cross/static builds (the qemu kernel matrix): make ARCH=powerpc STATIC=1 \
#   CROSS_COMPILE=powerpc64le-linux-gnu- SYSROOT=cache/sysroot-ppc64el BUILD=build-ppc64le

HOSTARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/ppc64le/powerpc/' -e 's/aarch64/arm64/')
ARCH ?= $(HOSTARCH)
BUILD ?= build
CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
STATIC ?=
SYSROOT ?=
# the revision: git's, else a REVISION file (a source tarball), else "unknown"
GIT := $(shell git describe --always --dirty 2>/dev/null || cat REVISION 2>/dev/null || echo unknown)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -std=gnu11 -D_GNU_SOURCE -I$(BUILD) -I. -Iuserspace \
	  -DLT_GIT='"$(GIT)"' -DLT_ARCH='"$(ARCH)"'
# dependency files: each object is rebuilt when a header it includes changes, and only then
DEPFLAGS = -MMD -MP -MF $(@:.o=.d)
LDLIBS := -lbpf -ljson-c -lelf -lz -lm -lpthread
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
USER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(USER_SRCS))
GEN_OBJS := $(BUILD)/obj/bench/scenarios_builtin.o $(BUILD)/obj/userspace/analysis/plot_templates.o
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf/$(ARCH) -Ibpf -Wall -Wno-unused-function

DEPS_PKGS := clang llvm bpftool libbpf-dev libjson-c-dev libelf-dev zlib1g-dev gnuplot-nox tmux linux-perf bpftrace \
	     libxml2-utils python3 file bc libclang-rt-14-dev librsvg2-bin man-db stress-ng
# what `make deb` and `make deb-check` need besides (make deps-deb)
DEB_PKGS := debhelper dpkg-dev lintian debootstrap

.PHONY: all deps deps-deb test bench-overhead clean check-tools
all: $(BUILD)/lazytlb

# What the build needs, checked before anything is compiled: one line naming what is missing.
BUILD_TOOLS := $(CC) $(CLANG) $(LLVM_STRIP) $(BPFTOOL)
BUILD_HEADERS := bpf/libbpf.h json-c/json.h gelf.h zlib.h
check-tools:
	@missing=; for t in $(BUILD_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	for h in $(BUILD_HEADERS); do [ -e $(SYSROOT)/usr/include/$$h ] || [ -e $(SYSROOT)/usr/include/$(TRIPLET)/$$h ] || \
	  missing="$$missing $(SYSROOT)/usr/include/$$h"; done; \
	[ -z "$$missing" ] || { echo "make: missing$$missing: run 'make deps' (as root) first"; exit 1; }

deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get)"; exit 1; fi
	@# a foreign-arch index caught mid-sync must not stop us: install decides
	apt-get update -qq || echo "make deps: apt-get update reported errors (continuing)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS_PKGS)

deps-deb: deps
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS)

# every bpf/ header too, not only through the .d file: an object built before dependency files
# (or with its .d lost) must not keep a stale skeleton
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c bpf/$(ARCH)/vmlinux.h $(wildcard bpf/*.h) | check-tools
	@mkdir -p $(dir $@)
	$(call msg,CLANG,$<)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# The skeletons are generated headers: every object waits for them on the first build, the
# dependency files say which objects use them afterwards.
$(BUILD)/obj/%.o: %.c | $(SKELS) check-tools
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# The objects that print the revision rebuild when it changes (not on every build).
$(BUILD)/gen/git-rev: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = "$(GIT)" ] || echo "$(GIT)" > $@
$(patsubst %.c,$(BUILD)/obj/%.o,$(shell grep -l LT_GIT $(USER_SRCS))): $(BUILD)/gen/git-rev
.PHONY: FORCE

$(BUILD)/lazytlb: $(USER_OBJS) $(GEN_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(USER_OBJS:.o=.d) $(GEN_OBJS:.o=.d) $(BPF_OBJS:.o=.d)

# C unit tests (tests/run.sh builds each with this rule): the binary's objects but main.o, and
# the same flags as the binary; a test's own dependency file names the headers it reads
LIB_OBJS := $(filter-out $(BUILD)/obj/userspace/main.o,$(USER_OBJS)) $(GEN_OBJS)
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -O1 -MMD -MP -MF $@.d $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)
-include $(wildcard $(BUILD)/tests/*.d)

test: all
	@bash tests/run.sh

# ---- install: the binary (scenarios and gnuplot templates are built into it), a man page per
# command and subcommand generated from its --help (tools/man.sh), bash completion. `lazytlb vm`
# needs a source tree and its cache/ (kernels, images): not installed, its man page says so.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
.PHONY: man install uninstall
man: $(BUILD)/man/lazytlb.1
$(BUILD)/man/lazytlb.1: $(BUILD)/lazytlb tools/man.sh tools/help2roff.awk
	$(call msg,GEN,$(BUILD)/man/)
	$(Q)rm -rf $(BUILD)/man && sh tools/man.sh $(BUILD)/lazytlb $(BUILD)/man
install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BUILD)/lazytlb $(DESTDIR)$(BINDIR)/lazytlb
	install -m 644 $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 tools/lazytlb.bash-completion $(DESTDIR)$(BASHCOMPDIR)/lazytlb
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lazytlb $(DESTDIR)$(MANDIR)/man1/lazytlb.1 $(DESTDIR)$(MANDIR)/man1/lazytlb-*.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/lazytlb

# one kind of test: the C unit tests, the host tests (root), the qemu guest tests
.PHONY: test-unit test-host test-vm test-patched
test-unit test-host test-vm: all
	@KIND=$(patsubst test-%,%,$@) bash tests/run.sh

# the patched kernels of every arch against their twins and Debian (t_vm_custom runs x86_64
# alone by default: the ppc64le guests would add minutes to CI)
test-patched: all
	@CUSTOM_ARCHES="x86_64 ppc64le" TESTS=t_vm_custom bash tests/run.sh

bench-overhead: all
	@bash tests/bench-overhead.sh

# t_vm_scale's oracles on a powerpc guest (132 vCPUs, workload on CPUs 100 and 130, 5 s each,
# at least 20 calls: ppc64le TCG is about half x86's pace): ~4 min, not in the default run (CI's
# budget); SCALE_SMP, SCALE_GEN, SCALE_SPIN for other CPUs
.PHONY: test-vm-scale-ppc
test-vm-scale-ppc: all vm-initramfs
	@LT_SCALE_KERNEL=debian-6.12-ppc64el LT_SCALE_SMP=$(or $(SCALE_SMP),132) LT_SCALE_GEN=$(or $(SCALE_GEN),100) \
		LT_SCALE_SPIN=$(or $(SCALE_SPIN),130) LT_SCALE_SECONDS=5 LT_SCALE_MIN=20 TESTS=t_vm_scale bash tests/run.sh

# tests/t_soak.sh for SOAK_SECONDS (an hour) with the real sender table sizes, from copies of
# the binary and the scripts (bash reads a script as it runs: an edit meanwhile would break
# it); figures in $(BUILD)/soak.json
.PHONY: soak
SOAK_SECONDS ?= 3600
soak: all
	@rm -rf $(BUILD)/soak && mkdir -p $(BUILD)/soak/tests && cp $(BUILD)/lazytlb $(BUILD)/soak/lazytlb
	@cp -r tests/t_soak.sh tests/lib.sh tests/check_schema.py tests/checks $(BUILD)/soak/tests/
	@LAZYTLB=$(CURDIR)/$(BUILD)/soak/lazytlb SOAK_SECONDS=$(SOAK_SECONDS) SOAK_ROWS= \
		SOAK_REPORT=$(CURDIR)/$(BUILD)/soak.json SOAK_NICE=10 bash $(BUILD)/soak/tests/t_soak.sh

# ns/event of each BPF program at 1, 2, 4, 8 CPUs in qemu guests: out/bench-scale/
.PHONY: bench-scale
bench-scale: all vm-initramfs
	@bash tests/bench-scale.sh

# boot and record times and the collector's memory in big guests (docs/vm.md): out/bench-bigvm/
.PHONY: bench-bigvm
bench-bigvm: all vm-initramfs
	@bash tests/bench-bigvm.sh

clean:
	rm -rf $(BUILD)

# ---- packages: the static binaries (the qemu matrix's guests run them too) and a Debian package
# built by dpkg-buildpackage (debian/), moved from ../ to out/deb/ with lintian's verdict;
# `make deb-check` installs it in fresh bookworm and trixie chroots (tests/deb-check.sh).
DEB_OUT ?= out/deb
.PHONY: static deb deb-check
static: static-x86_64 static-ppc64le
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null && command -v lintian >/dev/null || \
	  { echo "make deb: needs dpkg-dev, debhelper and lintian: run 'make deps-deb' (as root) first"; exit 1; }
	@# the revision for a build from the source package, where no .git is
	@git describe --always --dirty > REVISION.tmp 2>/dev/null && mv REVISION.tmp REVISION || rm -f REVISION.tmp
	dpkg-buildpackage -us -uc
	@v=$$(dpkg-parsechangelog -S Version); mkdir -p $(DEB_OUT) && \
	  mv ../lazytlb_$$v* ../lazytlb-dbgsym_$$v* $(DEB_OUT)/ && ls $(DEB_OUT)/*$$v* && \
	  echo "lintian:" && lintian --info --display-info $(DEB_OUT)/lazytlb_$${v}_*.changes; true
deb-check:
	bash tests/deb-check.sh $(DEB_OUT)/lazytlb_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb

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

# ---- built into the binary, so that it runs alone: bench/scenarios/*.scn and *.suite
# (bench/scenario.c reads them by name: `lazytlb run NAME` needs only the binary) and the gnuplot
# templates plots/NAME.gp (`lazytlb plot` falls back on them when no plots/ directory is found)
SCN_FILES := $(sort $(wildcard bench/scenarios/*.scn bench/scenarios/*.suite))
PLOT_FILES := $(sort $(wildcard plots/*.gp))
$(BUILD)/gen/bench/scenarios_builtin.c: $(SCN_FILES) bench/gen_scenarios.sh
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)sh bench/gen_scenarios.sh $(SCN_FILES) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/userspace/analysis/plot_templates.c: $(PLOT_FILES) tools/embed.sh
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)sh tools/embed.sh analysis/plot.h "struct plot_template" plot_templates $(PLOT_FILES) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/%.o: $(BUILD)/gen/%.c | check-tools
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

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
FUZZ_OBJS := $(patsubst %.c,build-fuzz/obj/%.o,$(FUZZ_SRCS)) build-fuzz/obj/bench/scenarios_builtin.o \
	     build-fuzz/obj/userspace/analysis/plot_templates.o
FUZZERS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-build
build-fuzz/obj/%.o: %.c | $(SKELS)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@
build-fuzz/obj/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@
-include $(FUZZ_OBJS:.o=.d)
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CLANG) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer $(filter-out -O2 -g,$(CFLAGS)) -Wno-unknown-warning-option \
		-o $@ $^ $(LDLIBS)
fuzz-build: $(FUZZERS)
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_S) $(FUZZERS)
# no target is an intermediate to delete (the fuzz objects, the skeleton and BPF object
# that pattern rules reach through them)
.SECONDARY:
