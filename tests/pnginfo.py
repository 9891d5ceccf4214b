#!/usr/bin/env python3
"""pnginfo.py FILE.png... - print per file "WIDTH HEIGHT COLOURS BIG" and the
pixel count of each --count RRGGBB: the IHDR size, the number of distinct
pixel values, and how many colours other than white cover more than 1% of the
image. Decoded with the standard library only (zlib + the five PNG row
filters), so tests can tell an empty plot from a drawn one. Handles what
gnuplot's pngcairo writes: 8-bit greyscale, RGB, RGBA (palette: size only)."""
import struct
import sys
import zlib

import argparse
from collections import Counter

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif ftype == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 0xff
            elif ftype != 0:
                raise ValueError("bad filter type %d" % ftype)
        rows.append(bytes(line))
        prev = line
    return rows


def info(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = hdr
    if depth != 8 or interlace or colour not in CHANNELS:
        return width, height, None  # size only
    bpp = CHANNELS[colour]
    pixels = Counter()
    for row in unfilter(zlib.decompress(idat), width, height, bpp):
        for i in range(0, len(row), bpp):
            px = row[i:i + bpp]
            pixels[px[:3].hex() if bpp >= 3 else px[:1].hex() * 3] += 1
    return width, height, pixels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", action="append", default=[], metavar="RRGGBB")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    for p in a.files:
        w, h, px = info(p)
        if px is None:
            print(w, h, "? ?", " ".join("?" for _ in a.count))
            continue
        big = sum(1 for c, n in px.items() if c != "ffffff" and n > w * h / 100)
        print(w, h, len(px), big, " ".join(str(px.get(c.lower(), 0)) for c in a.count))


if __name__ == "__main__":
    main()
