// The worker's batch: many photos, one after another, given the same mood
// with the settings of a single run — for each its working copy, its
// subject (the network's guess), the reference of the mood most like it,
// the transfer and the full-size JPEG — into one zip file (the engine's
// zipAdd, a file at a time), with 'batch' events as each starts, runs and
// ends. A photo that fails is reported and the rest go on; cancelBatch
// stops the batch between two photos or in the middle of one.
import { fit } from './fit.js';
import { session, post, call, cancelled } from './worker-session.js';
import * as photo from './worker-photo.js';
import * as transfer from './worker-transfer.js';
import * as exported from './worker-export.js';
import * as own from './worker-collection.js';

const SCREEN = 1280; // the display copy's long side, as the page makes it
let stop = false; // cancelBatch asked for it

/** The requests this part answers. */
export const handlers = {
  // batch gives every file the mood adjective: {files, adjective,
  // backbone, size, iterations, strength, quality}. It resolves to {zip
  // (Blob), done, failed, ms}; the zip holds the photos done, also after a
  // cancel.
  async batch({ files, adjective, backbone, size, iterations, strength, quality }) {
    if (session.transferring || session.preparing) throw new Error('A transfer is running; cancel it first.');
    stop = false;
    const t0 = performance.now();
    const parts = [];
    const names = new Set();
    let done = 0;
    let failed = 0;
    call('zipOpen');
    for (const [i, file] of files.entries()) {
      if (stop) break;
      const t = performance.now();
      post({ event: 'batch', i, status: 'running' });
      try {
        const r = await one(file, { adjective, backbone, size, iterations, strength, quality });
        const name = unique(names, `${file.name.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'photo'}-${adjective.replace(/\W+/g, '_')}.jpg`);
        parts.push(new Blob([call('zipAdd', name, new Uint8Array(await r.blob.arrayBuffer()))]));
        done++;
        post({ event: 'batch', i, status: 'done', name, reference: r.reference, subject: r.subject, run: r.run, ms: performance.now() - t, bytes: r.blob.size });
      } catch (e) {
        if (stop || e?.name === 'Cancelled') {
          post({ event: 'batch', i, status: 'cancelled' });
          break;
        }
        failed++;
        post({ event: 'batch', i, status: 'failed', error: e?.message || String(e) });
      }
    }
    parts.push(new Blob([call('zipClose')]));
    return { zip: new Blob(parts, { type: 'application/zip' }), done, failed, cancelled: stop, ms: performance.now() - t0 };
  },
};

/** cancelBatch stops the batch: the photo at work is cancelled, no other starts. */
export function cancelBatch() {
  stop = true;
  transfer.cancel();
}

// one transfers a photo file as the page's single run does and returns
// its full-size JPEG {blob}, the reference's label and the subject.
async function one(file, o) {
  let bm;
  try {
    bm = await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`“${file.name}” could not be read as a picture: the file is damaged or not a picture.`);
  }
  const c = session.engine.constants;
  if (bm.width * bm.height > c.maxPixels || Math.max(bm.width, bm.height) > c.maxSide) {
    bm.close();
    throw new Error(`“${file.name}” is ${bm.width} × ${bm.height} pixels, more than this page handles: scale it down first.`);
  }
  const [sw, sh] = fit(bm.width, bm.height, SCREEN);
  await photo.handlers.photo({ bitmap: bm, screenW: sw, screenH: sh });
  if (stop) throw cancelled();
  const g = await own.handlers.subject({ size: o.size }).catch(() => null);
  const noun = g?.guesses?.[0]?.name || '';
  const { matches } = await photo.handlers.retrieve({ adjective: o.adjective, noun, k: 1, size: o.size });
  if (!matches.length) throw new Error(`No “${o.adjective}” reference to borrow the mood from.`);
  const m = matches[0];
  await photo.handlers.reference(m.own ? { own: m.picture } : { file: m.picture });
  if (stop) throw cancelled();
  // The mood's references make the light, as in a single run; one's own
  // reference alone.
  const [t] = await transfer.handlers.transfer({ backbone: o.backbone, size: o.size, iterations: o.iterations, mood: m.own ? '' : o.adjective });
  const r = await exported.handlers.export({ format: 'jpeg', quality: o.quality, strength: o.strength });
  return { blob: r.blob, run: { iterations: t.iterations, mood: t.mood.adjective || '', references: t.mood.references }, reference: m.own ? `your ${m.file}` : `${m.adjective} ${m.noun} by ${m.author || 'an unnamed author'}`, subject: noun };
}

// unique returns name, or name with a number, not yet in names.
function unique(names, name) {
  let n = name;
  for (let k = 2; names.has(n); k++) n = name.replace(/\.jpg$/, `-${k}.jpg`);
  names.add(n);
  return n;
}
