// An RGB PNG, written as its rows come: for an opaque picture, whose
// alpha channel would be a quarter of the file saying nothing (a canvas
// encodes every PNG with one). Rows are Paeth-filtered and deflated by the
// browser's own zlib (CompressionStream), so a 12 MP photo is never held
// uncompressed twice.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** canWrite reports whether this browser can deflate as the writer needs. */
export function canWrite() {
  return typeof CompressionStream === 'function';
}

/** RGBWriter writes a w×h RGB PNG from rows of RGBA whose alpha is all 255. */
export class RGBWriter {
  constructor(w, h) {
    this.w = w;
    this.h = h;
    this.prev = new Uint8Array(3 * w); // the row above, unfiltered: zeros above the first
    const z = new CompressionStream('deflate'); // zlib, as IDAT holds it
    this.input = z.writable.getWriter();
    // Read as it is written, so that neither side waits on the other.
    this.deflated = new Response(z.readable).arrayBuffer();
  }

  /** rows adds n rows of RGBA (w × n × 4 bytes), top first. */
  async rows(rgba, n) {
    const w = this.w;
    const line = 1 + 3 * w;
    const out = new Uint8Array(line * n);
    let prev = this.prev;
    for (let r = 0; r < n; r++) {
      const cur = new Uint8Array(3 * w);
      for (let x = 0, i = 4 * w * r; x < w; x++, i += 4) {
        cur[3 * x] = rgba[i];
        cur[3 * x + 1] = rgba[i + 1];
        cur[3 * x + 2] = rgba[i + 2];
      }
      const o = r * line;
      out[o] = 4; // Paeth: the filter that suits photographs best
      for (let j = 0; j < 3 * w; j++) {
        const a = j >= 3 ? cur[j - 3] : 0;
        const b = prev[j];
        const c = j >= 3 ? prev[j - 3] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        out[o + 1 + j] = (cur[j] - pred) & 0xff;
      }
      prev = cur;
    }
    this.prev = prev;
    await this.input.write(out);
  }

  /** blob ends the picture and returns the PNG file. */
  async blob() {
    await this.input.close();
    const idat = new Uint8Array(await this.deflated);
    const ihdr = new Uint8Array(13);
    const v = new DataView(ihdr.buffer);
    v.setUint32(0, this.w);
    v.setUint32(4, this.h);
    ihdr[8] = 8; // bits per channel
    ihdr[9] = 2; // colour type: RGB
    return new Blob([new Uint8Array(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))], { type: 'image/png' });
  }

  /** abort gives the picture up (its photo turned out to be translucent). */
  abort() {
    this.input.abort().catch(() => {});
    this.deflated.catch(() => {});
  }
}

// chunk returns a PNG chunk: length, type, data, CRC of type and data.
function chunk(type, data) {
  const c = new Uint8Array(12 + data.length);
  const v = new DataView(c.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) c[4 + i] = type.charCodeAt(i);
  c.set(data, 8);
  v.setUint32(8 + data.length, crc32(c.subarray(4, 8 + data.length)));
  return c;
}

let table = null;
function crc32(bytes) {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
