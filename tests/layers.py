#!/usr/bin/env python3
# The house drawn from the code's own includes: each directory of userspace/ and
# bench/ is a floor, and an #include may only reach the same floor or one below. Checks: no
# include goes up, no cycle between files, no file of userspace/ or bench/ over 600 lines, no
# function over 120. `--draw` prints the floors with their rooms (files) and the include counts
# between floors, `--dot` the file graph for graphviz.
import os, re, sys, glob
FLOORS = [("main", ["userspace/main.c"]), ("cmd", ["userspace/cmd"]),
          ("trace vm bench", ["userspace/trace", "userspace/vm", "bench"]),
          ("analysis", ["userspace/analysis"]), ("result", ["userspace/result"]),
          ("lib", ["userspace/lib"]), ("bpf", ["bpf"])]
def floor_of(path):
    for i, (_, dirs) in enumerate(FLOORS):
        for d in dirs:
            if path == d or path.startswith(d + "/"):
                return len(FLOORS) - 1 - i
    return None
files = sorted(glob.glob("userspace/**/*.[ch]", recursive=True) + glob.glob("bench/*.[ch]") +
               ["bpf/lazytlb.h", "bpf/lt_names.h"])
def resolve(inc, src):
    for base in (os.path.dirname(src), "userspace", "."):
        p = os.path.normpath(os.path.join(base, inc))
        if os.path.exists(p):
            return p
    return None
edges, bad = {}, []
for f in files:
    edges[f] = []
    for inc in re.findall(r'^#include "([^"]+)"', open(f).read(), re.M):
        t = resolve(inc, f)
        if t is None or t.startswith("build"):
            continue
        edges[f].append(t)
        if floor_of(t) is None or floor_of(f) is None:
            bad.append(f"{f}: includes {t}, which is on no floor")
        elif floor_of(t) > floor_of(f):
            bad.append(f"{f} (floor {floor_of(f)}) includes {t} (floor {floor_of(t)}): upwards")
# cycles between files (depth-first search, grey/black)
state, stack = {}, []
def dfs(n):
    state[n] = 1; stack.append(n)
    for m in edges.get(n, []):
        if state.get(m) == 1:
            bad.append("include cycle: " + " -> ".join(stack[stack.index(m):] + [m]))
        elif m not in state:
            dfs(m)
    stack.pop(); state[n] = 2
for f in files:
    if f not in state:
        dfs(f)
# sizes: files and functions (a function: a line opening at column 0 up to its closing brace)
for f in files:
    if f.startswith("bpf/"):
        continue
    lines = open(f).read().split("\n")
    if len(lines) > 601:
        bad.append(f"{f}: {len(lines) - 1} lines (over 600)")
    start = None
    for i, l in enumerate(lines):
        if l.startswith("{") and i > 0:
            start = i
        elif l.startswith("}") and start is not None:
            if i - start + 1 > 122:
                bad.append(f"{f}:{start}: a function of {i - start - 1} lines (over 120)")
            start = None
if "--draw" in sys.argv:
    for i, (name, dirs) in enumerate(FLOORS):
        fl = len(FLOORS) - 1 - i
        rooms = [os.path.basename(f) for f in files if floor_of(f) == fl]
        down = {}
        for f in files:
            if floor_of(f) == fl:
                for t in edges[f]:
                    if floor_of(t) is not None and floor_of(t) < fl:
                        k = FLOORS[len(FLOORS) - 1 - floor_of(t)][0]
                        down[k] = down.get(k, 0) + 1
        print(f"floor {fl} {name:15} {len(rooms):3} files  includes down: {down}")
        print("    " + " ".join(sorted(set(r.rsplit('.', 1)[0] for r in rooms))))
if "--dot" in sys.argv:
    print("digraph lazytlb {")
    for f, ts in edges.items():
        for t in ts:
            print(f'  "{f}" -> "{t}";')
    print("}")
for b in bad:
    print("FAIL", b)
print(f"{len(files)} files, {sum(len(v) for v in edges.values())} includes: {len(bad)} problems")
sys.exit(1 if bad else 0)
