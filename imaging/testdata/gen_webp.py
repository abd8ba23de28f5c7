#!/usr/bin/env python3
"""Writes pixels.webp, the lossless 4×3 WebP that TestDecodeWebP decodes
(Go has no WebP encoder). The pixels are webpPixels in decode_test.go.
Needs Debian's python3-pil; run from this folder."""
from PIL import Image

PIXELS = [
    [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)],
    [(0, 0, 0), (128, 128, 128), (255, 255, 0), (0, 255, 255)],
    [(10, 20, 30), (200, 100, 50), (1, 2, 3), (250, 251, 252)],
]

img = Image.new("RGB", (4, 3))
for y, row in enumerate(PIXELS):
    for x, p in enumerate(row):
        img.putpixel((x, y), p)
img.save("pixels.webp", lossless=True, exact=True)
