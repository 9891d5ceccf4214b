#!/usr/bin/env bash
# make install/uninstall (DESTDIR), the man pages against --help, the completion, --version,
# that a missing build tool makes `make` say so instead of installing anything, and that
# objects rebuild on the headers they include (dependency files), quietly unless V=1.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
BUILD=$(basename "$(dirname "$LAZYTLB")")
root=$TMP/root
command -v man >/dev/null || skip "needs man (man-db; make deps installs it)"

# --version: the revision git reports for this tree, the libbpf of the run (the shared
# library the binary loads, by its file name) and of the build (the headers)
v=$("$LAZYTLB" --version) || fail "--version exited $?"
line1=$(echo "$v" | sed -n 1p) line2=$(echo "$v" | sed -n 2p)
ltv=$(sed -n 's/^#define LT_VERSION "\(.*\)"/\1/p' userspace/lib/cli.h)
echo "$line1" | grep -Eq "^lazytlb $ltv \(git ([0-9a-f]{7,}(-dirty)?|unknown), [a-z0-9]+\)$" || fail "--version line 1: $line1"
if rev=$(git rev-parse --short=7 HEAD 2>/dev/null); then
	echo "$line1" | grep -q "git $rev" || fail "--version says '$line1', git says $rev (a binary of another commit: make)"
fi
hmaj=$(sed -n 's/^#define LIBBPF_MAJOR_VERSION //p' /usr/include/bpf/libbpf_version.h)
hmin=$(sed -n 's/^#define LIBBPF_MINOR_VERSION //p' /usr/include/bpf/libbpf_version.h)
echo "$line2" | grep -Eq "^libbpf [0-9]+\.[0-9]+ \(built with $hmaj\.$hmin\)$" || fail "--version line 2: $line2 (headers: $hmaj.$hmin)"
so=$(ldd "$LAZYTLB" 2>/dev/null | awk '/libbpf\.so/ { print $3 }')
if [ -n "$so" ]; then
	real=$(basename "$(readlink -f "$so")") # libbpf.so.1.1.2
	want=$(echo "$real" | sed -n 's/^libbpf\.so\.\([0-9]*\)\.\([0-9]*\).*/\1.\2/p')
	echo "$line2" | grep -q "^libbpf $want " || fail "--version says '$line2', the binary loads $real"
fi
dv=$(sed -n '1s/^lazytlb (\([^)]*\)).*/\1/p' debian/changelog)
[ "$dv" = "$ltv" ] || fail "debian/changelog is at $dv, LT_VERSION at $ltv"

# make never installs: a missing tool is one line pointing at `make deps`
out=$(make --no-print-directory BUILD="$TMP/b" CLANG=no-such-clang 2>&1) && fail "make without clang succeeded"
echo "$out" | grep -q "missing no-such-clang: run 'make deps'" || fail "make without clang said: $out"
echo "$out" | grep -q apt-get && fail "make without clang ran apt-get: $out"

# dependency files: with one header pretended new (make -n -W, nothing is touched) make
# recompiles the sources that include it, directly or through other headers, and no other
# source; the sources' own includes, read here, say which. The objects that print the revision
# are left out: under -n, make cannot tell that the revision file stays as it is.
deps_check() {
	local hdr=$1 got want
	got=$(make --no-print-directory -n -W "$hdr" BUILD="$BUILD" "$BUILD/lazytlb" |
		sed -n 's/.* -c \([^ ]*\.c\) -o .*/\1/p' | sed "s|^$BUILD/gen/||" | sort)
	want=$(python3 - "$hdr" "$BUILD" <<'PY'
import glob, os, re, sys
hdr, build = sys.argv[1], sys.argv[2]
srcs = glob.glob("userspace/*.c") + glob.glob("userspace/*/*.c") + glob.glob("bench/*.c") + \
       glob.glob(f"{build}/gen/**/*.c", recursive=True)
def reaches(f, seen):
    if f == hdr:
        return True
    seen.add(f)
    for inc in re.findall(r'^\s*#\s*include "([^"]+)"', open(f).read(), re.M):
        for base in (os.path.dirname(f), build, ".", "userspace"):
            p = os.path.normpath(os.path.join(base, inc))
            if os.path.exists(p):
                if p not in seen and reaches(p, seen):
                    return True
                break
    return False
for s in srcs:
    if "LT_GIT" not in open(s).read() and reaches(s, set()):
        print(s.replace(f"{build}/gen/", ""))
PY
)
	got=$(echo "$got" | while read -r f; do [ -z "$f" ] || grep -q LT_GIT "$f" 2>/dev/null || echo "$f"; done | sort)
	want=$(echo "$want" | sort)
	[ "$got" = "$want" ] || fail "a new $hdr: make recompiles [$(echo $got)], its includers are [$(echo $want)]"
	echo "a new $hdr recompiles its $(echo "$want" | grep -c .) includers alone"
}
deps_check userspace/lib/clock.h
deps_check userspace/result/hist.h
# quiet by default (one line an object), V=1 shows the command: one small generated object in a
# build directory of its own, built, then rebuilt with V=1
gen=obj/bench/scenarios_builtin.o
out=$(make --no-print-directory BUILD="$TMP/v" "$TMP/v/$gen" 2>&1) || fail "make $gen: $out"
echo "$out" | grep -q "^  CC  *$TMP/v/gen/bench/scenarios_builtin.c$" || fail "make $gen said: $out"
echo "$out" | grep -q -- ' -c ' && fail "make without V=1 showed the compiler's command: $out"
out=$(make --no-print-directory BUILD="$TMP/v" V=1 -W bench/scenario.h "$TMP/v/$gen" 2>&1) || fail "make V=1 $gen: $out"
echo "$out" | grep -q -- "-MMD .* -c $TMP/v/gen/bench/scenarios_builtin.c -o $TMP/v/$gen" ||
	fail "make V=1 did not show the command: $out"

make --no-print-directory -s BUILD="$BUILD" install DESTDIR="$root" PREFIX=/usr > "$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; fail "make install failed"; }
[ -x "$root/usr/bin/lazytlb" ] || fail "no usr/bin/lazytlb"
[ -s "$root/usr/share/bash-completion/completions/lazytlb" ] || fail "no bash completion"
man1=$root/usr/share/man/man1
# a page for the binary and for each command of main.c's table (read from the source, not the help)
pages=lazytlb
declare -A page_args=([lazytlb]="") # a page's command words: a command's own name may hold a '-'
for c in $(sed -n 's/^\t{ "\([a-z-]*\)", ".*", cmd_.* },$/\1/p' userspace/main.c); do
	pages="$pages lazytlb-$c"; page_args[lazytlb-$c]=$c
done
[ "$(echo $pages | wc -w)" -ge 9 ] || fail "only $pages found in main.c's command table"
pages="$pages lazytlb-vm-run lazytlb-vm-ab"
page_args[lazytlb-vm-run]="vm run"; page_args[lazytlb-vm-ab]="vm ab"
for p in $pages; do
	[ -s "$man1/$p.1" ] || fail "no man page $p.1 (have: $(ls "$man1"))"
done
# each page renders without a groff warning, and has every word of its --help, in order
for p in $pages; do
	args=" ${page_args[$p]}"
	# shellcheck disable=SC2086
	"$LAZYTLB" $args --help > "$TMP/$p.help" 2>&1 || fail "lazytlb$args --help exited $?"
	MANWIDTH=100 LC_ALL=C.UTF-8 man --warnings -l "$man1/$p.1" > "$TMP/$p.txt" 2> "$TMP/$p.err" ||
		fail "man -l $p.1 failed: $(cat "$TMP/$p.err")"
	[ -s "$TMP/$p.err" ] && fail "man -l $p.1 warns: $(head -3 "$TMP/$p.err")"
	python3 - "$TMP/$p.help" "$TMP/$p.txt" "$p" <<'PY' || fail "$p.1 does not match --help"
import re, sys
words = lambda f: re.findall(r"[a-z0-9]+", open(f, encoding="utf-8").read().lower())
helpw, manw, page = words(sys.argv[1]), words(sys.argv[2]), sys.argv[3]
helpw = helpw[1:] if helpw[:1] == ["usage"] else helpw  # "usage:" is the SYNOPSIS heading
i = 0
for n, w in enumerate(helpw):
    while i < len(manw) and manw[i] != w:
        i += 1
    if i == len(manw):
        sys.exit(f"{page}: --help word {n} '{w}' (after '{' '.join(helpw[max(0, n - 8):n])}') not in the page")
    i += 1
opts = set(re.findall(r"(?<![\w-])--?[a-zA-Z][\w-]*", open(sys.argv[1]).read()))
text = open(sys.argv[2], encoding="utf-8").read()
missing = [o for o in opts if o not in text]
if missing:
    sys.exit(f"{page}: options of --help not in the page: {missing}")
print(f"{page}: {len(helpw)} words, {len(opts)} options")
PY
done
grep -q 'lazytlb-record' "$TMP/lazytlb.txt" || fail "lazytlb(1) does not point at lazytlb-record(1)"
grep -q 'LAZYTLB_ROOT' "$TMP/lazytlb-vm.txt" || fail "lazytlb-vm(1) does not say where the tree comes from"

# the installed completion completes commands and options from the installed binary
got=$(PATH="$root/usr/bin:$PATH" bash -c '. "$1"; COMP_WORDS=(lazytlb rec); COMP_CWORD=1; _lazytlb; echo "${COMPREPLY[*]}"
	COMP_WORDS=(lazytlb record --wh); COMP_CWORD=2; _lazytlb; echo "${COMPREPLY[*]}"' _ "$root/usr/share/bash-completion/completions/lazytlb")
[ "$got" = "record
--whatif" ] || fail "completion: '$got'"

# the installed binary alone (no plots/ beside or above it) plots with its built-in templates,
# which are the source's plots/*.gp
python3 tests/make_result.py -o "$TMP/r.json" > /dev/null || fail "make_result.py"
env -u LAZYTLB_PLOTS "$root/usr/bin/lazytlb" plot --no-render -o "$TMP/p" "$TMP/r.json" > "$TMP/plot.log" 2>&1 ||
	fail "plot from the install: $(cat "$TMP/plot.log")"
cmp -s plots/common.gp "$TMP/p/common.gp" || fail "plot from the install: common.gp is not plots/common.gp"
gp=$(ls "$TMP"/p/*.gp | grep -v common.gp | head -n 1)
tmpl=$(sed -n 's/^# [^ ]* - written by lazytlb plot from plots\/\([a-z]*\.gp\).*/\1/p' "$gp")
[ -n "$tmpl" ] && tail -n "$(wc -l < "plots/$tmpl")" "$gp" | cmp -s - "plots/$tmpl" || fail "$gp does not end with plots/$tmpl"

# the static binary (make static-x86_64; CI's vm-prepare builds it) copied alone into an empty
# directory: record as root, report, compare and plot, nothing beside it
static=build-$(uname -m)/lazytlb
if [ -x "$static" ] && [ "$(id -u)" = 0 ] && file "$static" | grep -q 'statically linked'; then
	mkdir "$TMP/alone" && cp "$static" "$TMP/alone/" || fail "copy $static"
	(cd "$TMP/alone" && env -u LAZYTLB_PLOTS ./lazytlb record -d 1 -q -o a.json && ./lazytlb record -d 1 -q -o b.json &&
		./lazytlb report a.json | grep -q "^Context switches" && ./lazytlb compare a.json b.json 2>/dev/null | grep -q headline &&
		./lazytlb plot -o p a.json b.json && ls p/ipi_by_cause.svg) > "$TMP/static.log" 2>&1 ||
		fail "$static alone: $(tail -n 3 "$TMP/static.log")"
	echo "$static alone in an empty directory: record, report, compare, plot"
else
	echo "note: no static $static, or not root: the lone static binary was not run"
fi

make --no-print-directory -s BUILD="$BUILD" uninstall DESTDIR="$root" PREFIX=/usr > "$TMP/uninstall.log" 2>&1 ||
	{ cat "$TMP/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$root" -not -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "ok: $(echo $pages | wc -w) man pages match --help; install and uninstall clean"
