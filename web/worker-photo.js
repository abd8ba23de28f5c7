// The worker's pictures: the photo at full size with its display copy, the
// working copy the engine compares and optimizes, the reference (one of
// the index's pictures, downloaded, or the user's own) and retrieval.
import { fit } from './fit.js';
import { drawOnWhite } from './white.js';
import { session, base, call, cancelled } from './worker-session.js';
import * as own from './worker-collection.js';

// How long a reference picture's download may take before it is given up
// with a message (a few hundred kB: only a stalled server takes this long).
const REFERENCE_TIMEOUT_MS = 30_000;
let referenceDownload = null; // the AbortController of the reference picture downloading

/** The requests this part answers. */
export const handlers = {
  async photo({ bitmap, screenW, screenH }) {
    if (session.transferring || session.preparing) throw new Error('A transfer is running; cancel it first.');
    session.full?.close();
    session.full = bitmap;
    session.work = null;
    session.reference = session.reference?.own ? session.reference : null;
    // The display copy keeps its alpha: the engine transforms colour only.
    const rgba = await pixels(bitmap, screenW, screenH);
    // A photo sent after this one came in meanwhile: its display copy stays.
    if (session.full === bitmap) session.screen = { w: screenW, h: screenH, rgba };
    return { w: bitmap.width, h: bitmap.height };
  },

  async retrieve({ adjective, noun, k, size }) {
    await ensureWork(size);
    const t = performance.now();
    const matches = call('retrieve', { adjective, noun: noun || '', k });
    const ms = performance.now() - t;
    // The engine gives pictures relative to the index file; one's own are
    // kept on this device, named by their key.
    const index = session.site.index && new URL(session.site.index.url, base);
    for (const m of matches) {
      if (m.own) m.blob = own.picture(m.picture);
      else m.picture = new URL(m.picture, index).href;
    }
    return { matches, ms };
  },

  // reference takes the reference: the index's picture file, the key of
  // one of the user's kept references (own), or a picture (bitmap).
  async reference({ file, own: key, bitmap }) {
    if (session.transferring || session.preparing) throw new Error('A transfer is running; cancel it first.');
    let bm = bitmap;
    if (file) bm = await download(file);
    if (key) {
      const kept = own.picture(key);
      if (!kept) throw new Error('This reference of yours is no longer kept: choose another.');
      bm = await createImageBitmap(kept);
    }
    // A reference needs no more detail than the working size the engine
    // compares at; the build ships them at that size already.
    const [w, h] = fit(bm.width, bm.height, session.engine.constants.workingSize);
    const rgba = await pixels(bm, w, h, true);
    bm.close();
    call('setReference', rgba, w, h);
    session.reference = { file: file || key, own: !file && !key };
    return { w, h };
  },
};

/** cancelReference stops the download of a reference picture, if one runs. */
export function cancelReference() {
  referenceDownload?.abort();
}

// download returns the bitmap of the index's reference picture file.
async function download(file) {
  // A newer reference chosen meanwhile stops this download
  // (cancelReference): the page gives references one at a time, and
  // one that never answers would hold back every later one.
  // One controller for both (AbortSignal.any is too new for some
  // browsers): the reason tells a timeout from a newer choice.
  referenceDownload?.abort();
  const abort = new AbortController();
  referenceDownload = abort;
  const timer = setTimeout(() => abort.abort('timeout'), REFERENCE_TIMEOUT_MS);
  try {
    const res = await fetch(new URL(file, base), { signal: abort.signal });
    if (!res.ok) throw new Error(`Could not load the reference picture ${file} (${res.status}).`);
    return await createImageBitmap(await res.blob());
  } catch (e) {
    if (abort.signal.reason === 'timeout') throw new Error(`Could not load this reference picture: the server did not answer in ${REFERENCE_TIMEOUT_MS / 1000} s. Choose another, or use your own.`);
    if (abort.signal.aborted) throw cancelled('The reference was replaced by a newer one.');
    if (e instanceof TypeError) throw new Error('Could not load this reference picture: there is no connection and this browser has not kept it. Choose another, or use your own.');
    throw e;
  } finally {
    clearTimeout(timer);
    if (referenceDownload === abort) referenceDownload = null;
  }
}

/**
 * ensureWork gives the engine the working copy of the photo at size (long
 * side, pixels), made from the full-size photo by the browser's own
 * high-quality resampler.
 */
export async function ensureWork(size) {
  if (!session.full) throw new Error('Choose a photo first.');
  const { work, full } = session;
  if (work && work.size === size && work.of === full) return;
  const t = performance.now();
  const of = full;
  const [w, h] = fit(of.width, of.height, size);
  const rgba = await pixels(of, w, h, true);
  // Another photo came while this copy was made: the engine gets the new
  // photo's, not this one's.
  if (of !== session.full) return ensureWork(size);
  call('setPhoto', rgba, w, h);
  session.work = { w, h, size, of, ms: performance.now() - t };
}

// pixels returns the RGBA bytes of bitmap scaled to w×h, unpremultiplied,
// or composited on white if white is set.
async function pixels(bitmap, w, h, white = false) {
  let src = bitmap;
  if (w !== bitmap.width || h !== bitmap.height) {
    src = await createImageBitmap(bitmap, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  }
  const g = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
  if (white) drawOnWhite(g, src, w, h);
  else g.drawImage(src, 0, 0);
  if (src !== bitmap) src.close();
  const d = g.getImageData(0, 0, w, h).data;
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}
