// The engine's worker: it downloads and starts the WebAssembly engine, holds
// the full-size photo, and answers the page's requests. Pixels come and go
// as transferable buffers; the page's thread never waits on the engine.
// This file answers the messages; each part of the work is a module:
// worker-start.js (the engine, the index and the networks' downloads),
// worker-photo.js (the photo, its copies, the reference, retrieval),
// worker-transfer.js (probe, transfer, strength), worker-export.js (the
// full-size result and the LUT), worker-collection.js (the user's own
// references and the subject guess), worker-batch.js (many photos, one
// zip), around worker-session.js (what the worker holds).
//
// Requests are {id, type, ...}; answers {id, ok, result} or {id, ok: false,
// error}. Events the page did not ask for are {event, ...}: 'load' (download
// progress), 'network' (a chosen network's download progress), 'progress'
// (a transfer's iterations and previews), 'export' (rows of the full-size
// result done), 'backbone' (a network built, with its default settings)
// 'own' (own references being prepared, or a new vocabulary) and 'batch'
// (a photo of a batch started, done or failed).
//
// Transparency: the engine works on colour only. The working copy it
// optimizes is the photo composited on white, as the page shows it; where
// the look is applied (previews, exports) each pixel's colour is
// transformed and its alpha left as it is (white.js composites a JPEG on
// white).
import { DownloadError } from './assets.js';
import { post } from './worker-session.js';
import * as start from './worker-start.js';
import * as photo from './worker-photo.js';
import * as transfer from './worker-transfer.js';
import * as exported from './worker-export.js';
import * as own from './worker-collection.js';
import * as batch from './worker-batch.js';

// Every handler returns [result, transferables] or a result.
const handlers = { ...start.handlers, ...photo.handlers, ...transfer.handlers, ...exported.handlers, ...own.handlers, ...batch.handlers };

// A batch has the worker to itself: it holds the worker's photo and
// reference from one photo to the next, and the page's own requests (the
// reference it ranks for the mood just chosen, say) would replace them in
// the middle of a photo, or their download stop the batch's. It begins once
// the requests before it are answered; those sent during it wait for it.
const alone = new Set(['batch']);
const working = new Set(); // the requests being answered
let owner = null; // the request that has the worker to itself

// Cancels are handled at once, not queued behind the request they stop.
const cancels = {
  cancel: () => transfer.cancel(),
  // While a batch runs, the page's reference waits (above): no download
  // of it to stop, and the batch's own must go on.
  cancelReference: () => {
    if (!owner) photo.cancelReference();
  },
  cancelNetwork: (m) => start.cancelNetwork(m.name),
  cancelBatch: () => batch.cancelBatch(),
};

self.onmessage = async (e) => {
  const m = e.data;
  if (Object.hasOwn(cancels, m.type)) {
    cancels[m.type](m);
    return;
  }
  const h = handlers[m.type];
  let job;
  try {
    if (!h) throw new Error(`unknown request ${m.type}`);
    while (owner) await owner.catch(() => {});
    if (alone.has(m.type)) {
      const before = [...working];
      job = owner = Promise.allSettled(before).then(() => h(m));
      job.finally(() => { if (owner === job) owner = null; }).catch(() => {});
    } else job = h(m);
    working.add(job);
    let r = await job;
    let buffers = [];
    if (Array.isArray(r)) [r, buffers] = r;
    post({ id: m.id, ok: true, result: r }, buffers);
  } catch (err) {
    post({
      id: m.id, ok: false, error: err?.message || String(err),
      kind: err?.cancelled || err?.name === 'Cancelled' ? 'cancelled' : err instanceof DownloadError ? 'download' : 'engine',
    });
  } finally {
    working.delete(job);
  }
};
