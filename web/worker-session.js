// What the engine's worker holds between requests, and the few helpers its
// parts share (worker-start.js, worker-photo.js, worker-transfer.js,
// worker-export.js; worker.js answers the messages).

/** The site folder, which every URL of site.json is relative to. */
export const base = new URL('../', import.meta.url);

/** The worker's state: one object, so that every part sees the same. */
export const session = {
  site: null, // site.json
  engine: null, // the Go bridge (wasm/main_js.go)
  memory: null, // the engine's WebAssembly memory, for the figures
  vocabulary: null, // the reference index's adjectives and nouns
  kept: new Map(), // url → bytes of the downloads assets.js keeps (engine, index, weights)
  full: null, // the photo at full size (ImageBitmap), held once
  work: null, // {w, h, size, of, ms}: the working copy the engine has, of the photo of, made in ms
  screen: null, // {w, h, rgba}: the display copy that strength previews use
  reference: null, // what the engine has as reference: {file, own}
  transferring: false,
  // The transfer asked for that has not started in the engine yet (it
  // waits for its network, working copy or a probe to stop): a cancel
  // rejects stop, and the transfer gives up there.
  preparing: null, // {stop: Promise, cancel()}
  probing: null, // the running probe's promise (settles when it has stopped)
};

/** post sends the page a message, handing over transfer's buffers. */
export const post = (msg, transfer = []) => self.postMessage(msg, transfer);

/** call invokes a bridge function, turning its Error results into throws. */
export function call(name, ...args) {
  if (!session.engine) throw new Error('The engine is not running.');
  const r = session.engine[name](...args);
  if (r instanceof Error) throw r;
  return r;
}

/**
 * cancelled returns the error of a request cancelled in the worker (a
 * transfer before it started in the engine, a reference's download), as
 * the engine's own cancelled transfer reads: the page hears 'cancelled'.
 */
export function cancelled(message = 'The transfer was cancelled.') {
  const e = new Error(message);
  e.name = 'Cancelled';
  return e;
}

/** turn returns a promise that settles after the event loop has turned once. */
export function turn() {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  });
}
