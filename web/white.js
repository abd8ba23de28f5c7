// Composite on white: the page shows every picture with transparent parts
// on white, and a JPEG download holds what it shows. One definition for the
// page's canvases (compare.js, run.js) and the worker's pixels and export.

/** drawOnWhite fills g's canvas white over w×h and draws src there at w×h, with the browser's best resampling. */
export function drawOnWhite(g, src, w, h) {
  g.fillStyle = '#fff';
  g.fillRect(0, 0, w, h);
  g.imageSmoothingQuality = 'high';
  g.drawImage(src, 0, 0, w, h);
  return g;
}

/** pixelsOnWhite returns the RGBA bytes (a Uint8ClampedArray) of src drawn at w×h on white. */
export function pixelsOnWhite(src, w, h) {
  const g = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
  return drawOnWhite(g, src, w, h).getImageData(0, 0, w, h).data;
}

/**
 * bitmapOnWhite returns an opaque bitmap of rgba (w×h RGBA bytes)
 * composited on white: blending opaque pictures (compare.js blendAfter)
 * gives what the exact rendering shows, where translucent ones would be
 * composited on white twice.
 */
export function bitmapOnWhite(rgba, w, h) {
  const src = new OffscreenCanvas(w, h);
  src.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), w, h), 0, 0);
  const c = new OffscreenCanvas(w, h);
  drawOnWhite(c.getContext('2d'), src, w, h);
  return c.transferToImageBitmap();
}

/** bytesOnWhite composites the translucent pixels of rgba (straight RGBA bytes) on white, in place: a JPEG's picture. */
export function bytesOnWhite(rgba) {
  for (let j = 0; j < rgba.length; j += 4) {
    if (rgba[j + 3] === 255) continue;
    const a = rgba[j + 3] / 255;
    for (let c = 0; c < 3; c++) rgba[j + c] = Math.round(rgba[j + c] * a + 255 * (1 - a));
    rgba[j + 3] = 255;
  }
}
