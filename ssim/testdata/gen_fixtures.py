#!/usr/bin/env python3
"""Writes skimage.json: reference SSIM values from scikit-image, an
implementation independent of ours, for ssim_test.go.

Every image is made here from integer formulas and a 32-bit linear
congruential generator that the Go test reproduces exactly, and every
sample is exactly representable in float32, so both sides see the same
numbers. Only the resulting numbers are committed.

Wang et al. 2004 settings, as scikit-image documents them:
gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=L.

Run from this folder with Debian's python3-skimage:
    apt-get install -y python3-skimage && python3 gen_fixtures.py
"""
import json

import numpy as np
import skimage
from skimage.metrics import structural_similarity


def lcg_bytes(seed, n):
    """n bytes from the generator s' = 1664525·s + 1013904223 mod 2³²,
    each the top 8 bits of the new state."""
    s, out = seed, []
    for _ in range(n):
        s = (1664525 * s + 1013904223) % 2**32
        out.append(s >> 24)
    return out


def grid(w, h, f):
    return [[f(x, y) for x in range(w)] for y in range(h)]


def case_images(name, w, h):
    """Mirrors fixtureImages in ssim_test.go."""
    n = w * h
    if name == "noise-pair":
        a = lcg_bytes(1, n)
        d = lcg_bytes(2, n)
        b = [min(255, max(0, a[i] + d[i] % 61 - 30)) for i in range(n)]
    elif name == "pattern":
        a = [(7 * x + 3 * y) % 256 for y in range(h) for x in range(w)]
        b = [(7 * x + 3 * y + (x * y) % 17) % 256 for y in range(h) for x in range(w)]
    elif name == "negative":
        a = lcg_bytes(3, n)
        b = [255 - v for v in a]
    elif name == "identical":
        a = lcg_bytes(4, n)
        b = list(a)
    elif name == "unit-range":
        a = [v / 256 for v in lcg_bytes(5, n)]
        b = [(int(v * 256) // 8) * 8 / 256 for v in a]
    elif name == "minimal":
        a = lcg_bytes(6, n)
        b = lcg_bytes(7, n)
    elif name == "edges":
        a = [1.0 if x % 13 == 0 or y % 11 == 0 else 0.0 for y in range(h) for x in range(w)]
        b = [1.0 if x % 13 == 1 or y % 11 == 0 else 0.0 for y in range(h) for x in range(w)]
    elif name == "flat-vs-pattern":
        a = [128] * n
        b = [(7 * x + 3 * y) % 256 for y in range(h) for x in range(w)]
    elif name == "map":
        a = lcg_bytes(8, n)
        b = [v // 2 + 64 for v in a]
    else:
        raise ValueError(name)
    return (np.array(a, dtype=np.float64).reshape(h, w),
            np.array(b, dtype=np.float64).reshape(h, w))


CASES = [
    ("noise-pair", 32, 24, 255),
    ("pattern", 40, 33, 255),
    ("negative", 20, 20, 255),
    ("identical", 16, 12, 255),
    ("unit-range", 23, 19, 1),
    ("minimal", 11, 11, 255),
    ("edges", 64, 48, 1),
    ("flat-vs-pattern", 30, 25, 255),
    ("map", 15, 13, 255),
]

out = {"tool": "scikit-image " + skimage.__version__, "cases": []}
for name, w, h, rng in CASES:
    a, b = case_images(name, w, h)
    mssim, full = structural_similarity(
        a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=rng, full=True)
    c = {"name": name, "w": w, "h": h, "range": rng, "ssim": float(mssim)}
    if name == "map":
        pad = 5
        c["map"] = [float(v) for v in full[pad:h - pad, pad:w - pad].ravel()]
    out["cases"].append(c)

with open("skimage.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
