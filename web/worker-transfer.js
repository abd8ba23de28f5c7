// The worker's transfers: the probe that times a few iterations before a
// run, the run itself with its live previews and the phases its time went
// to, and the result drawn on the display copy at a strength.
import { session, post, call, cancelled, turn } from './worker-session.js';
import { ensureBackbone } from './worker-start.js';
import { ensureWork } from './worker-photo.js';

// Iterations between two live previews of a transfer (each refits the
// look and applies it: a cost the time estimate counts).
const PREVIEW_EVERY = 5;

/** The requests this part answers. */
export const handlers = {
  // probe measures the time of transfer iterations with the chosen network
  // at size on this photo and reference, before the user commits to a
  // run: the engine's own transfer, cancelled after its third iteration
  // (a cancelled transfer leaves the last result as it was), the third
  // with a preview. It resolves to {first, perIteration, preview,
  // previewEvery} in ms (the first iteration with the setup, one
  // iteration, one preview's refit and rendering), or null when there is
  // no photo or reference yet or a run took the engine first.
  async probe({ name, size }) {
    if (!session.full || !session.reference || session.transferring || session.probing) return null;
    await ensureBackbone(name);
    await ensureWork(size);
    if (session.transferring || session.probing) return null;
    const times = [];
    const t0 = performance.now();
    const run = call('transfer', { backbone: name, size, iterations: 1000, previewEvery: 3 }, () => {
      times.push(performance.now());
      return turn().then(() => times.length >= 3 && session.engine?.cancel());
    });
    session.probing = run.catch(() => {});
    try {
      await run;
    } catch (e) {
      if (e?.name !== 'Cancelled') throw e;
    } finally {
      session.probing = null;
    }
    if (times.length < 3) return null;
    const perIteration = times[1] - times[0];
    return {
      name, size, first: times[0] - t0, perIteration, preview: Math.max(0, times[2] - times[1] - perIteration),
      previewEvery: PREVIEW_EVERY, wasmBytes: session.memory?.buffer.byteLength,
    };
  },

  async transfer({ backbone, size, iterations, mood }) {
    if (!session.full) throw new Error('Choose a photo first.');
    if (!session.reference) throw new Error('Choose a reference first.');
    const job = {};
    job.stop = new Promise((_, reject) => { job.cancel = () => reject(cancelled()); });
    job.stop.catch(() => {});
    session.preparing = job;
    try {
      await Promise.race([ensureBackbone(backbone), job.stop]);
      await Promise.race([ensureWork(size), job.stop]);
      // A probe gives way to the user's run.
      if (session.probing) {
        session.engine.cancel();
        await Promise.race([session.probing, job.stop]);
      }
    } finally {
      if (session.preparing === job) session.preparing = null;
    }
    session.transferring = true;
    const t = performance.now();
    // When each iteration ended and whether it carried a preview, for the
    // phases the answer reports.
    const ends = [];
    try {
      const r = await call('transfer', { backbone, size, iterations, mood, previewEvery: PREVIEW_EVERY }, (p) => {
        ends.push([performance.now(), !!p.preview]);
        return onProgress(p);
      });
      const t1 = performance.now();
      // The look on the display copy at each strength the page's slider
      // blends between (the engine's blendAt, the whole look last).
      const keys = r.blendAt.map((at) => ({ at, rgba: look(at) }));
      const t2 = performance.now();
      const { screen, work } = session;
      return [{
        ...r, ms: t2 - t, phases: { work: work.ms, ...phases(t, ends, t1, t2) }, w: screen.w, h: screen.h, keys, wasmBytes: session.memory?.buffer.byteLength,
      }, keys.map((k) => k.rgba.buffer)];
    } finally {
      session.transferring = false;
    }
  },

  async strength({ value }) {
    const t = performance.now();
    const out = look(value);
    return [{ w: session.screen.w, h: session.screen.h, rgba: out, ms: performance.now() - t }, [out.buffer]];
  },
};

/** cancel stops the running transfer between two iterations, or the one still preparing. */
export function cancel() {
  // Handled at once, between two iterations of a running transfer (the
  // engine yields to this event loop after each).
  if (session.transferring && session.engine) session.engine.cancel();
  else session.preparing?.cancel();
}

// look returns the display copy with the look at strength s; the engine
// transforms colour and leaves alpha as it is.
function look(s) {
  const { screen } = session;
  return call('apply', screen.rgba, screen.w, screen.h, s);
}

// onProgress gets each iteration from the engine and returns a promise that
// settles after the event loop has turned once, so that a 'cancel' message
// waiting in the queue is seen before the next iteration starts.
function onProgress(p) {
  const msg = { event: 'progress', iteration: p.iteration, total: p.total, loss: { content: p.content, style: p.style, prior: p.prior } };
  const transfer = [];
  if (p.preview) {
    msg.preview = { w: p.w, h: p.h, rgba: p.preview };
    transfer.push(p.preview.buffer);
  }
  post(msg, transfer);
  return turn();
}

// phases (with the time the photo's working copy took, whenever it was
// made) splits a transfer that started at t0, its iterations ending at
// ends ([time, with a preview]), the engine done at t1 and the look drawn
// on the display copy at t2, into ms of: setup (the targets' features,
// before the first iteration), iterations (each at the median time of
// those without a preview), previews (what the iterations with one took
// beyond that: refit, apply, hand-over), finish (the engine's last fit
// after the last iteration) and draw (the look on the display copy at
// the blend's strengths).
function phases(t0, ends, t1, t2) {
  if (!ends.length) return {};
  const plain = [];
  let withPreview = 0;
  let previews = 0;
  for (let i = 1; i < ends.length; i++) {
    const d = ends[i][0] - ends[i - 1][0];
    if (ends[i][1]) {
      withPreview += d;
      previews++;
    } else plain.push(d);
  }
  plain.sort((a, b) => a - b);
  const it = plain.length ? plain[plain.length >> 1] : 0;
  return {
    setup: ends[0][0] - t0 - it, iteration: it, iterations: it * ends.length,
    previews: withPreview - it * previews, previewCount: previews + (ends[0][1] ? 1 : 0),
    finish: t1 - ends[ends.length - 1][0], draw: t2 - t1,
  };
}
