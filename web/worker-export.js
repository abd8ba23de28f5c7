// The worker's exports: the full-size photo with the look, encoded by the
// browser as PNG (alpha kept) or JPEG (composited on white), and the
// global look as a .cube LUT. An opaque photo's PNG is written here as RGB
// (png.js): the canvas's encoder would add an alpha channel of 255s.
import { bytesOnWhite } from './white.js';
import { RGBWriter, canWrite } from './png.js';
import { session, post, call } from './worker-session.js';

// Pixels of the full-size photo the engine transforms per call at export:
// a megapixel is 4 MB of strip in its heap, few enough calls that their
// cost is nothing beside the grid's.
const STRIP_PIXELS = 1 << 20;
// The largest canvas iOS Safari makes, in pixels (4096²): a larger one
// gives no context, or one that draws nothing. A photo too large for one
// canvas of the browser's (an iPhone's 48 MP, on an iPhone) is exported
// at the largest size under this, and the answer says so.
const SMALL_CANVAS_PIXELS = 4096 * 4096;

/** The requests this part answers. */
export const handlers = {
  async export({ format, quality, strength, rows: stripRows }) {
    const { full } = session;
    if (!full) throw new Error('Choose a photo first.');
    const t = performance.now();
    // The result is made in one canvas of the photo's size (the browser's
    // encoder takes a whole canvas), a strip of rows at a time: read back,
    // transformed by the engine where it lies, written back. The engine's
    // heap holds one strip, never the photo.
    const made = canvasFor(full.width, full.height);
    if (!made) throw new Error(`This browser could not make a ${full.width} × ${full.height} canvas to render the photo in.`);
    const { canvas, g, w, h } = made;
    g.imageSmoothingQuality = 'high';
    g.drawImage(full, 0, 0, w, h);
    const rows = stripRows || Math.max(1, Math.floor(STRIP_PIXELS / w));
    let shown = 0;
    let apply = 0; // ms in the engine
    const drawn = performance.now();
    // The RGB PNG while every strip so far is opaque; the canvas's own
    // encoder (it has every strip too) from the first translucent one on.
    let rgb = format === 'png' && canWrite() ? new RGBWriter(w, h) : null;
    let png = 0; // ms writing the RGB PNG
    for (let y = 0; y < h; y += rows) {
      const n = Math.min(rows, h - y);
      const strip = g.getImageData(0, y, w, n);
      const ta = performance.now();
      // The engine transforms colour and leaves alpha as it is.
      call('applyRows', strip.data, w, n, y, h, strength);
      apply += performance.now() - ta;
      if (format !== 'png') bytesOnWhite(strip.data);
      g.putImageData(strip, 0, y);
      if (rgb) {
        const tp = performance.now();
        if (opaque(strip.data)) await rgb.rows(strip.data, n);
        else {
          rgb.abort();
          rgb = null;
        }
        png += performance.now() - tp;
      }
      const now = performance.now();
      if (now - shown > 100) {
        shown = now;
        post({ event: 'export', format, done: y + n, total: h, w, h });
      }
    }
    post({ event: 'export', format, done: h, total: h, w, h, encoding: true });
    const te = performance.now();
    const blob = rgb ? await rgb.blob() : await canvas.convertToBlob({ type: format === 'png' ? 'image/png' : 'image/jpeg', quality });
    const end = performance.now();
    // ms of: the photo drawn into the canvas, the engine's grid on the
    // strips, the RGB PNG's rows, the strips read and written back, the
    // encoder (the browser's, or the RGB PNG's end).
    const phases = { draw: drawn - t, apply, png, strips: te - drawn - apply - png, encode: end - te };
    return { blob, w, h, full: { w: full.width, h: full.height }, ms: end - t, phases, strips: Math.ceil(h / rows), wasmBytes: session.memory?.buffer.byteLength };
  },

  async lut({ strength }) {
    return { text: call('lut', strength) };
  },
};

// opaque reports whether every pixel of rgba has alpha 255.
function opaque(rgba) {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

// canvasFor returns {canvas, g, w, h}: a 2D canvas of w×h that works, else
// one of the largest size iOS allows with w×h's aspect, else null.
function canvasFor(w, h) {
  const s = Math.min(1, Math.sqrt(SMALL_CANVAS_PIXELS / (w * h)));
  for (const [cw, ch] of [[w, h], [Math.max(1, Math.floor(w * s)), Math.max(1, Math.floor(h * s))]]) {
    const canvas = new OffscreenCanvas(cw, ch);
    const g = canvas.getContext('2d', { willReadFrequently: true });
    if (g && draws(g, cw, ch)) return { canvas, g, w: cw, h: ch };
  }
  return null;
}

// draws reports whether a pixel drawn in the far corner of g (w×h) reads
// back: a canvas past the browser's limit may draw nothing.
function draws(g, w, h) {
  g.fillStyle = '#000';
  g.fillRect(w - 1, h - 1, 1, 1);
  const ok = g.getImageData(w - 1, h - 1, 1, 1).data[3] === 255;
  g.clearRect(w - 1, h - 1, 1, 1);
  return ok;
}
