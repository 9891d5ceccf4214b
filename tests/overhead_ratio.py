#!/usr/bin/env python3
"""bench-overhead: the ratio of two configurations' overheads over a baseline.

Arguments: three space-separated lists of ops/s, one per round (baseline, numerator,
denominator), in round order. Prints the ratio of the medians' overheads, then the lowest and
highest of the rounds' own ratios (each round against its own baseline)."""
import sys


def med(a):
    a = sorted(a)
    return a[(len(a) - 1) // 2]


def overhead(x, base):
    return 1 - x / base if base > 0 else 0.0


def main():
    base, num, den = ([float(x) for x in a.split()] for a in sys.argv[1:4])
    d = overhead(med(den), med(base))
    r = overhead(med(num), med(base)) / d if d > 0 else float("nan")
    per = [overhead(x, b) / overhead(y, b) for b, x, y in zip(base, num, den) if overhead(y, b) > 0]
    rounds = f"{min(per):.2f}-{max(per):.2f}" if per else "none"
    print(f"{r:.2f} (rounds {rounds})")


if __name__ == "__main__":
    main()
