#!/usr/bin/env python3
"""bench-overhead: ns per event of each program from `record --stats` results.

Arguments: DIR ROUNDS WORKLOAD... Reads DIR/stats.W.R.json (lazytlb) and
DIR/statsempty.W.R.json (its empty programs) for each workload W and R in 1..ROUNDS, and
prints per program the median ns per event of both and their difference (net: the body's
cost without the stats' and the attachment's), with the spread of that difference over the
rounds."""
import json
import statistics as st
import sys

SEND = ("csd_queue_cpu",)  # request + sender, one program (6.3+)


def per_event(path):
    try:
        progs = json.load(open(path))["overhead"]["programs"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {p["name"]: (p["run_time_ns"] / p["run_cnt"], p["run_cnt"])
            for p in progs if p["run_cnt"] >= 1000}


def table(tmp, rounds, workload):
    full = [per_event(f"{tmp}/stats.{workload}.{r}.json") for r in range(1, rounds + 1)]
    empty = [per_event(f"{tmp}/statsempty.{workload}.{r}.json") for r in range(1, rounds + 1)]
    names = {n for f in full for n in f}
    if not names:
        print(f"bench-overhead: no --stats result for the {workload}")
        return
    print(f"per event during the {workload} (BPF stats, medians of {rounds} rounds; "
          "net: minus the empty program's, its spread over the rounds):")
    print(f'  {"program":<34} {"events":>9} {"ns":>6} {"empty":>6} {"net":>6} {"spread":>10}')
    rows = []
    for n in names:
        f = [r[n] for r in full if n in r]
        e = [r[n][0] for r in empty if n in r]
        fm = st.median(x for x, _ in f)
        em = st.median(e) if e else float("nan")
        nets = [r[n][0] - q[n][0] for r, q in zip(full, empty) if n in r and n in q]
        spread = f"{min(nets):.0f}-{max(nets):.0f}" if nets else "-"
        rows.append((st.median(c for _, c in f) * fm, n, st.median(c for _, c in f), fm, em, spread))
    for _, n, cnt, fm, em, spread in sorted(rows, reverse=True)[:12]:
        print(f"  {n:<34} {cnt:>9.0f} {fm:>6.0f} {em:>6.0f} {fm - em:>6.0f} {spread:>10}")
    for _, n, cnt, fm, em, spread in rows:
        if workload == "storm" and n.split("__")[0] in SEND and em == em:
            print(f"send path (request + sender, {n}): {fm - em:.0f} ns net per event "
                  f"(rounds {spread}), target <= 500")


def main():
    for w in sys.argv[3:]:
        table(sys.argv[1], int(sys.argv[2]), w)


if __name__ == "__main__":
    main()
