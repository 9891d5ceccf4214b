#!/usr/bin/env bash
# Every row of docs/bad-inputs.md: the command, its exit status, its one stderr line
# (exact, or a prefix where the row ends in …); afterwards no lazytlb BPF program is loaded and
# the row's output file is absent (error rows) or a complete result (rows that exit 0).
. "$(dirname "$0")/lib.sh"
need_root
DOC=$(dirname "$0")/../docs/bad-inputs.md
F=$TMP/f R=$TMP/root
mkdir -p "$F" "$R/kernels-config"
# fixtures: a real result, then damaged copies of it
"$LAZYTLB" record -q -d 0.3 -o "$F/good.json" || fail "cannot record the good fixture"
python3 - "$F" <<'PY' || fail "fixtures"
import json, sys
f = sys.argv[1]; d = json.load(open(f + "/good.json")); s = open(f + "/good.json").read()
def put(name, obj): json.dump(obj, open(f"{f}/{name}.json", "w"))
open(f + "/truncated.json", "w").write(s[: len(s) // 2]); open(f + "/empty.json", "w").write("")
open(f + "/notjson.json", "w").write("hello world\n"); put("other", {"schema": "other/1", "reps": []})
put("v2", dict(d, schema="lazytlb-result/2")); put("noreps", {k: v for k, v in d.items() if k != "reps"})
x = json.loads(s); x["reps"][0]["duration_ns"] = "soon"; put("wrongtype", x)
x = json.loads(s); x["reps"][0]["metrics"]["hist"]["ipi_latency_ns"] = {"count": 1, "buckets": "many"}; put("badhist", x)
x = json.loads(s); x["reps"][0]["metrics"]["lazy"]["sharing"].update(count=69, buckets=[]); put("hcount", x)
open(f + "/huge.json", "w").write(s.replace('"duration_ns": ', '"duration_ns": 1e999999', 1))
x = json.loads(s); x["reps"][0]["metrics"]["ipi"]["sent"] = 2 ** 70; put("huge2", x)
open(f + "/deep.json", "w").write("[" * 100000 + "]" * 100000)
open(f + "/big.json", "w").write(s.rstrip()[:-1] + " " * (100 << 20) + "}")
open(f + "/exists.json", "w").write("{}")
PY
K=$(dirname "$0")/../kernels-config/debian-6.12-amd64.kcfg
mk() { sed "$2" "$K" > "$R/kernels-config/$1.kcfg"; }
mk nokey 's/^name .*/name = nokey/; /^smp/d'
mk badval 's/^name .*/name = badval/; s/^smp .*/smp = lots/'
mk badarch 's/^name .*/name = badarch/; s/^arch .*/arch = sparc/'
mk renamed 's/^name .*/name = other/'
mk big 's/^name .*/name = big/'
mk bigppc 's/^name .*/name = bigppc/; s/^arch .*/arch = ppc64le/'
mk nokern 's/^name .*/name = nokern/; s/^source .*/source = custom:none/'
printf 'name = junk\nthis is not a kcfg line\n' > "$R/kernels-config/junk.kcfg"
rows=0 bad=0
while IFS='|' read -r _ num what cmd want err _; do
	num=$(echo "$num" | tr -d ' ')
	[[ "$num" =~ ^[0-9]+[a-z]?$ ]] || continue
	cmd=$(echo "$cmd" | sed 's/^ *`//; s/` *$//'); want=$(echo "$want" | tr -d ' ')
	err=$(echo "$err" | sed 's/^ *`\{0,1\}//; s/`\{0,1\} *$//')
	run=${cmd//lazytlb /$LAZYTLB }; run=${run//\$F/$F}; err=${err//\$F/$F}; err=${err//\$R/$R}
	rows=$((rows + 1))
	LAZYTLB_ROOT=$R timeout 120 bash -c "$run" > "$TMP/out" 2> "$TMP/err"; rc=$?
	got=$(cat "$TMP/err")
	ok=1
	[ "$rc" = "$want" ] || ok=0
	if [ -z "$err" ]; then [ -z "$got" ] || ok=0
	elif [[ "$err" == *… ]]; then [ "$(wc -l < "$TMP/err")" = 1 ] && [[ "$got" == "${err%…}"* ]] || ok=0
	else [ "$got" = "$err" ] || ok=0; fi
	out=$(echo "$run" | grep -o -- '-o [^ ;'"'"']*' | head -1 | cut -c4-)
	if [ -n "$out" ] && [ ! -d "$out" ]; then
		if [ "$want" = 0 ]; then python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['reps']" "$out" || ok=0
		elif [ -e "$out" ]; then echo "   left $out behind"; ok=0; fi
	fi
	n=$(lt_progs_gone)
	[ "$n" = 0 ] || { echo "   $n lazytlb programs still loaded"; ok=0; }
	if [ $ok = 1 ]; then echo "ok   $num $what: exit $rc"
	else echo "FAIL $num $what: exit $rc (want $want); stderr: $got"; [ -n "$err" ] && echo "     want: $err"; bad=$((bad + 1)); fi
done < "$DOC"
[ "$rows" -ge 25 ] || fail "only $rows rows read from $DOC"
echo "$rows rows, $bad failed"
[ "$bad" = 0 ]
