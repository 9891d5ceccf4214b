#!/usr/bin/env bash
# deb-check.sh PACKAGE.deb [SUITE...] - the Debian package as a user gets it (make deb-check; not
# in `make test`: a debootstrap and an apt download per suite, minutes). For each suite (default
# bookworm trixie): a fresh minbase chroot from the mirror apt uses here, man-db in it, then
#   apt-get install ./PACKAGE.deb; lazytlb --version; record -d 1 (root, the host kernel through
#   /proc and /sys); report; compare; plot (gnuplot-nox comes as a Recommends); man lazytlb-record;
#   the bash completion; then, with the dependencies installed, the chroot's file list before
#   `apt-get install ./PACKAGE.deb` against after `apt-get remove` and after `apt-get purge`. The pristine
# chroots are kept in $DEB_CHROOTS (default /var/tmp/lazytlb-deb/SUITE-root) and copied per run.
set -u
deb=$(readlink -f "${1:?usage: deb-check.sh PACKAGE.deb [SUITE...]}")
shift
suites=${*:-bookworm trixie}
cache=${DEB_CHROOTS:-/var/tmp/lazytlb-deb}
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root (debootstrap, chroot, mounts)"; exit 1; }
[ -f "$deb" ] || { echo "deb-check: no $deb (make deb)"; exit 1; }
command -v debootstrap >/dev/null || { echo "deb-check: needs debootstrap (make deps-deb)"; exit 1; }
mirror=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
	 grep -v security | head -n 1 | tr -d ' ')
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$cache"
R=
failures=0

cleanup() {
	[ -n "$R" ] || return 0
	for m in sys dev proc; do umount -R "$R/$m" 2>/dev/null; done
}
# the run copy, never what is mounted in it (the host's /sys and /dev)
remove_run() {
	cleanup
	if grep -q " $R/" /proc/mounts; then
		echo "deb-check: $R still has mounts, not removing it"
		exit 1
	fi
	rm -rf --one-file-system "$R"
}
trap cleanup EXIT
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TERM=dumb "$@"; }
# every path of the chroot but the kernel's, temporary files, logs and apt's caches
files() {
	in_root find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run -o -path /var/log \
		-o -path /var/cache -o -path /var/lib/apt/lists \) -prune -o -print | sort
}
check() { # what, command...
	local what=$1
	shift
	if "$@" > "$R/tmp/out" 2>&1; then
		echo "  ok   $what"
	else
		echo "  FAIL $what (rc $?):"
		sed 's/^/       | /' "$R/tmp/out" | tail -n 8
		failures=$((failures + 1))
	fi
}

for suite in $suites; do
	echo "== $suite ($mirror)"
	if [ ! -x "$cache/$suite-root/usr/bin/apt-get" ]; then
		rm -rf "$cache/$suite-root"
		debootstrap --variant=minbase "$suite" "$cache/$suite-root" "$mirror" > "$cache/$suite.log" 2>&1 ||
			{ echo "  FAIL debootstrap $suite: $(tail -n 1 "$cache/$suite.log")"; failures=$((failures + 1)); continue; }
	fi
	R=$cache/$suite-run
	remove_run
	cp -a "$cache/$suite-root" "$R"
	cp /etc/resolv.conf "$R/etc/resolv.conf"
	mount -t proc proc "$R/proc" && mount --rbind /sys "$R/sys" && mount --make-rslave "$R/sys" &&
		mount --rbind /dev "$R/dev" && mount --make-rslave "$R/dev" || { echo "  FAIL mounts"; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	check "apt-get update; install man-db" in_root sh -c 'apt-get update -qq && apt-get install -y -qq man-db'
	cp "$deb" "$R/tmp/"
	check "apt-get install ./$(basename "$deb")" in_root apt-get install -y -q "/tmp/$(basename "$deb")"
	echo "  $(in_root lazytlb --version | tr '\n' ' ')"
	echo "  kernel $(uname -r), $(in_root sh -c '. /etc/os-release; echo $PRETTY_NAME'), $(in_root ldd --version | head -n 1)"
	check "lazytlb record -d 1 (root)" in_root sh -c 'cd /tmp && lazytlb record -d 1 -q -o r1.json && lazytlb record -d 1 -q -o r2.json'
	check "lazytlb report" in_root sh -c 'lazytlb report /tmp/r1.json | grep -q "IPI"'
	check "lazytlb compare" in_root lazytlb compare /tmp/r1.json /tmp/r2.json
	check "lazytlb plot (built-in templates)" in_root sh -c 'lazytlb plot -o /tmp/p /tmp/r1.json /tmp/r2.json && ls /tmp/p/*.svg'
	check "man lazytlb-record" in_root sh -c 'MANPAGER=cat man lazytlb-record | grep -q -- "--duration SECONDS"'
	check "bash completion" in_root bash -c '. /usr/share/bash-completion/completions/lazytlb; COMP_WORDS=(lazytlb rec);
		COMP_CWORD=1; _lazytlb; [ "${COMPREPLY[*]}" = record ]'
	# remove and purge against the system with the dependencies: lazytlb's own files only
	# (apt keeps what a Recommends pulled in, gnuplot's fonts and dbus, on autoremove)
	check "apt-get remove lazytlb" in_root apt-get remove -y -q lazytlb
	files > "$cache/$suite.deps"
	for how in remove purge; do
		check "apt-get install ./$(basename "$deb") again" in_root apt-get install -y -q "/tmp/$(basename "$deb")"
		check "apt-get $how lazytlb" in_root apt-get "$how" -y -q lazytlb
		files > "$cache/$suite.$how"
		if diff "$cache/$suite.deps" "$cache/$suite.$how" > "$cache/$suite.diff"; then
			echo "  ok   after $how: the file list is the one before install ($(wc -l < "$cache/$suite.deps") paths)"
		else
			echo "  FAIL after $how, the file list differs:"
			sed 's/^/       | /' "$cache/$suite.diff" | head -n 10
			failures=$((failures + 1))
		fi
	done
	in_root dpkg -l lazytlb > /dev/null 2>&1 && { echo "  FAIL dpkg still knows lazytlb after purge"; failures=$((failures + 1)); }
	remove_run
	R=
done
echo "deb-check: $failures failure(s)"
[ "$failures" = 0 ]
