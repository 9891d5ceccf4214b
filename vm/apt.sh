# vm/apt.sh - sourced by vm/fetch.sh: an apt configuration of lazytlb's own per suite, so that a
# kernel of any Debian suite (bullseye, bookworm(-backports), trixie, sid, ...) is fetched without
# touching the host's sources (which know bookworm only). Lists and the package cache live in
# cache/apt/SUITE/; the mirror is the host's Debian mirror (the first .../debian URI in its apt
# sources, else deb.debian.org; stable suites also get -updates and -security); signatures are checked against the host's debian-archive-keyring.
#   lt_apt_init SUITE   sets LT_APT (array of apt options), runs `apt-get update` once a day
#   lt_apt_get ARGS...  apt-get with it;  lt_apt_cache ARGS...  apt-cache with it

lt_apt_mirror() {
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -v '^[[:space:]]*#' | grep -o 'https\?://[^ ]*/debian/\?' | grep -v -e security -e debian-debug | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

lt_apt_init() {
	local suite=$1 dir stamp keyring mirror opt=
	dir=$(pwd)/cache/apt/$suite
	mkdir -p "$dir/lists/partial" "$dir/archives/partial"
	[ -e "$dir/status" ] || : > "$dir/status"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -e "$keyring" ] && opt="signed-by=$keyring "
	mirror=$(lt_apt_mirror)
	{
		echo "deb [${opt}arch=amd64,ppc64el] $mirror $suite main"
		# a stable suite's kernels move on in -updates and -security between point releases
		case "$suite" in
		sid | unstable | experimental | *-*) ;;
		*)
			echo "deb [${opt}arch=amd64,ppc64el] $mirror $suite-updates main"
			echo "deb [${opt}arch=amd64,ppc64el] ${mirror%/debian*}/debian-security $suite-security main"
			;;
		esac
	} > "$dir/sources.list.new"
	# a changed mirror or suite line invalidates the lists
	if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" 2>/dev/null; then
		mv "$dir/sources.list.new" "$dir/sources.list"
		rm -f "$dir/updated"
	else
		rm -f "$dir/sources.list.new"
	fi
	LT_APT=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State=$dir" -o "Dir::State::Lists=$dir/lists" -o "Dir::State::status=$dir/status"
		-o "Dir::Cache=$dir" -o "Dir::Cache::Archives=$dir/archives" -o Dir::Cache::pkgcache=
		-o Dir::Cache::srcpkgcache= -o APT::Architecture=amd64 -o APT::Architectures::=amd64
		-o APT::Architectures::=ppc64el -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	stamp=$dir/updated
	if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
		if apt-get "${LT_APT[@]}" -q update > "$dir/update.log" 2>&1 && ! grep -q '^[WE]:' "$dir/update.log"; then
			touch "$stamp"
		else
			echo "vm/apt.sh: apt-get update for $suite reported errors (cache/apt/$suite/update.log):" >&2
			grep '^[WE]:' "$dir/update.log" | head -n 3 >&2
			# stale lists are still usable; none at all is fatal
			ls "$dir"/lists/*Packages* > /dev/null 2>&1 || return 1
		fi
	fi
}

lt_apt_get() { apt-get "${LT_APT[@]}" "$@"; }
lt_apt_cache() { apt-cache "${LT_APT[@]}" "$@"; }
