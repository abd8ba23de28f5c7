// The engine's worker: it downloads and starts the WebAssembly engine, holds
// the full-size photo, and answers the page's requests. Pixels come and go
// as transferable buffers; the page's thread never waits on the engine.
//
// Requests are {id, type, ...}; answers {id, ok, result} or {id, ok: false,
// error}. Events the page did not ask for are {event, ...}: 'load' (download
// progress), 'network' (a chosen network's download progress), 'progress'
// (a transfer's iterations and previews), 'export' (rows of the full-size
// result done) and 'backbone' (a network built, with its default settings).
//
// Transparency: the engine works on colour only. The working copy it
// optimizes is the photo composited on white, as the page shows it; where
// the look is applied (previews, exports) each pixel's colour is
// transformed and its alpha put back unchanged; a JPEG is then composited
// on white.
import '../wasm_exec.js';
import { fetchVerified, isKept, DownloadError } from './assets.js';
import { fit } from './fit.js';

const base = new URL('../', import.meta.url); // the site folder
let site = null; // site.json
let engine = null; // the Go bridge (wasm/main_js.go)
let vocabulary = null;
// name → promise of the network's default settings once the engine has
// built it (a failure stays as a rejected promise, retried on next use).
const backbones = new Map();
const built = new Map(); // name → the 'backbone' event of a network built
let full = null; // the photo at full size (ImageBitmap), held once
let work = null; // {w, h, size, of, ms}: the working copy the engine has, of the photo of, made in ms
let screen = null; // {w, h, rgba, alpha}: the display copy that strength previews use; alpha null if opaque
let reference = null; // what the engine has as reference
let transferring = false;
// The transfer asked for that has not started in the engine yet (it waits
// for its network, working copy or a probe to stop): a cancel rejects
// stop, and the transfer gives up there.
let preparing = null; // {stop: Promise, cancel()}
let probing = null; // the running probe's promise (settles when it has stopped)
const downloads = new Map(); // network name → AbortController of its download
let referenceDownload = null; // the AbortController of the reference picture downloading
let memory = null; // the engine's WebAssembly memory, for the figures
const kept = new Map(); // url → bytes of the downloads assets.js keeps (engine, index, weights)

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
// Pixels of the full-size photo the engine transforms per call at export:
// a megapixel is 4 MB of strip in its heap, few enough calls that their
// cost is nothing beside the grid's.
const STRIP_PIXELS = 1 << 20;
// Iterations between two live previews of a transfer (each refits the
// look and applies it: a cost the time estimate counts).
const PREVIEW_EVERY = 5;
// How long a reference picture's download may take before it is given up
// with a message (a few hundred kB: only a stalled server takes this long).
const REFERENCE_TIMEOUT_MS = 30_000;

// call invokes a bridge function, turning its Error results into throws.
function call(name, ...args) {
  if (!engine) throw new Error('The engine is not running.');
  const r = engine[name](...args);
  if (r instanceof Error) throw r;
  return r;
}

// Every handler returns [result, transferables] or a result.
const handlers = {
  async load({ reload }) {
    if (!engine) await startEngine(reload);
    // Networks other than the first are downloaded when chosen; one chosen
    // on an earlier visit is in storage already.
    const backbones = await Promise.all(site.backbones.map(async (b, i) => {
      const k = i === 0 ? kept.has(b.weights.url) : await isKept(b.weights, base);
      if (k) kept.set(b.weights.url, b.weights.size);
      return { name: b.name, size: b.weights.size, kept: k };
    }));
    // The first network may have been built while this answer was made:
    // its 'backbone' event then reached the page before the list it
    // belongs to, which drops it (and with it the network's defaults).
    // Every network built so far says so again, after the answer.
    setTimeout(() => { for (const ev of built.values()) post(ev); });
    return { vocabulary, constants: engine.constants, backbones, hasIndex: !!site.index, kept: keptNow(), engine: engineFile(site).url };
  },

  // network downloads (unless kept) and builds a network the user chose,
  // with 'network' events as bytes arrive; cancelNetwork stops the
  // download. It resolves to the network's defaults and what is kept now.
  async network({ name, reload }) {
    const defaults = await ensureBackbone(name, reload);
    return { defaults, kept: keptNow() };
  },

  // probe measures the time of transfer iterations with the chosen network
  // at size on this photo and reference, before the user commits to a
  // run: the engine's own transfer, cancelled after its third iteration
  // (a cancelled transfer leaves the last result as it was), the third
  // with a preview. It resolves to {first, perIteration, preview,
  // previewEvery} in ms (the first iteration with the setup, one
  // iteration, one preview's refit and rendering), or null when there is
  // no photo or reference yet or a run took the engine first.
  async probe({ name, size }) {
    if (!full || !reference || transferring || probing) return null;
    await ensureBackbone(name);
    await ensureWork(size);
    if (transferring || probing) return null;
    const times = [];
    const t0 = performance.now();
    const run = call('transfer', { backbone: name, size, iterations: 1000, previewEvery: 3 }, () => {
      times.push(performance.now());
      return turn().then(() => times.length >= 3 && engine?.cancel());
    });
    probing = run.catch(() => {});
    try {
      await run;
    } catch (e) {
      if (e?.name !== 'Cancelled') throw e;
    } finally {
      probing = null;
    }
    if (times.length < 3) return null;
    const perIteration = times[1] - times[0];
    return {
      name, size, first: times[0] - t0, perIteration, preview: Math.max(0, times[2] - times[1] - perIteration),
      previewEvery: PREVIEW_EVERY, wasmBytes: memory?.buffer.byteLength,
    };
  },

  async photo({ bitmap, screenW, screenH }) {
    if (transferring || preparing) throw new Error('A transfer is running; cancel it first.');
    full?.close();
    full = bitmap;
    work = null;
    reference = reference?.own ? reference : null;
    const rgba = await pixels(bitmap, screenW, screenH);
    // A photo sent after this one came in meanwhile: its display copy stays.
    if (full === bitmap) screen = { w: screenW, h: screenH, rgba, alpha: takeAlpha(rgba) };
    return { w: bitmap.width, h: bitmap.height };
  },

  async retrieve({ adjective, noun, k, size }) {
    await ensureWork(size);
    const t = performance.now();
    const matches = call('retrieve', { adjective, noun: noun || '', k });
    const ms = performance.now() - t;
    // The engine gives pictures relative to the index file.
    const index = new URL(site.index.url, base);
    for (const m of matches) m.picture = new URL(m.picture, index).href;
    return { matches, ms };
  },

  async reference({ file, bitmap }) {
    if (transferring || preparing) throw new Error('A transfer is running; cancel it first.');
    let bm = bitmap;
    if (file) {
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
        bm = await createImageBitmap(await res.blob());
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
    // A reference needs no more detail than the working size the engine
    // compares at; the build ships them at that size already.
    const [w, h] = fit(bm.width, bm.height, engine.constants.workingSize);
    const rgba = await pixels(bm, w, h, true);
    bm.close();
    call('setReference', rgba, w, h);
    reference = { file, own: !file };
    return { w, h };
  },

  async transfer({ backbone, size, iterations }) {
    if (!full) throw new Error('Choose a photo first.');
    if (!reference) throw new Error('Choose a reference first.');
    const job = {};
    job.stop = new Promise((_, reject) => { job.cancel = () => reject(cancelled()); });
    job.stop.catch(() => {});
    preparing = job;
    try {
      await Promise.race([ensureBackbone(backbone), job.stop]);
      await Promise.race([ensureWork(size), job.stop]);
      // A probe gives way to the user's run.
      if (probing) {
        engine.cancel();
        await Promise.race([probing, job.stop]);
      }
    } finally {
      if (preparing === job) preparing = null;
    }
    transferring = true;
    const t = performance.now();
    // When each iteration ended and whether it carried a preview, for the
    // phases the answer reports.
    const ends = [];
    try {
      const r = await call('transfer', { backbone, size, iterations, previewEvery: PREVIEW_EVERY }, (p) => {
        ends.push([performance.now(), !!p.preview]);
        return onProgress(p);
      });
      const t1 = performance.now();
      const out = look(1);
      const t2 = performance.now();
      return [{
        ...r, ms: t2 - t, phases: { work: work.ms, ...phases(t, ends, t1, t2) }, w: screen.w, h: screen.h, rgba: out, wasmBytes: memory?.buffer.byteLength,
      }, [out.buffer]];
    } finally {
      transferring = false;
    }
  },

  async strength({ value }) {
    const t = performance.now();
    const out = look(value);
    return [{ w: screen.w, h: screen.h, rgba: out, ms: performance.now() - t }, [out.buffer]];
  },

  async export({ format, quality, strength, rows: stripRows }) {
    if (!full) throw new Error('Choose a photo first.');
    const t = performance.now();
    const { width: w, height: h } = full;
    // The result is made in one canvas of the photo's size (the browser's
    // encoder takes a whole canvas), a strip of rows at a time: read back,
    // transformed by the engine where it lies, written back. The engine's
    // heap holds one strip, never the photo.
    const canvas = new OffscreenCanvas(w, h);
    const g = canvas.getContext('2d', { willReadFrequently: true });
    if (!g) throw new Error(`This browser could not make a ${w} × ${h} canvas to render the photo in.`);
    g.drawImage(full, 0, 0);
    const rows = stripRows || Math.max(1, Math.floor(STRIP_PIXELS / w));
    let shown = 0;
    let apply = 0; // ms in the engine
    const drawn = performance.now();
    for (let y = 0; y < h; y += rows) {
      const n = Math.min(rows, h - y);
      const strip = g.getImageData(0, y, w, n);
      const alpha = takeAlpha(strip.data);
      const ta = performance.now();
      call('applyRows', strip.data, w, n, y, h, strength);
      apply += performance.now() - ta;
      if (alpha) {
        if (format === 'png') putAlpha(strip.data, alpha);
        else onWhite(strip.data, alpha);
      }
      g.putImageData(strip, 0, y);
      const now = performance.now();
      if (now - shown > 100) {
        shown = now;
        post({ event: 'export', format, done: y + n, total: h });
      }
    }
    post({ event: 'export', format, done: h, total: h, encoding: true });
    const te = performance.now();
    const blob = await canvas.convertToBlob({ type: format === 'png' ? 'image/png' : 'image/jpeg', quality });
    const end = performance.now();
    // ms of: the photo drawn into the canvas, the engine's grid on the
    // strips, the strips read and written back, the browser's encoder.
    const phases = { draw: drawn - t, apply, strips: te - drawn - apply, encode: end - te };
    return { blob, w, h, ms: end - t, phases, strips: Math.ceil(h / rows), wasmBytes: memory?.buffer.byteLength };
  },

  async lut({ strength }) {
    return { text: call('lut', strength) };
  },
};

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'cancel') {
    // Handled at once, between two iterations of a running transfer (the
    // engine yields to this event loop after each).
    if (transferring && engine) engine.cancel();
    else preparing?.cancel();
    return;
  }
  if (m.type === 'cancelReference') {
    referenceDownload?.abort();
    return;
  }
  if (m.type === 'cancelNetwork') {
    downloads.get(m.name)?.abort();
    return;
  }
  const h = handlers[m.type];
  try {
    if (!h) throw new Error(`unknown request ${m.type}`);
    let r = await h(m);
    let transfer = [];
    if (Array.isArray(r)) [r, transfer] = r;
    post({ id: m.id, ok: true, result: r }, transfer);
  } catch (err) {
    post({
      id: m.id, ok: false, error: err?.message || String(err),
      kind: err?.cancelled || err?.name === 'Cancelled' ? 'cancelled' : err instanceof DownloadError ? 'download' : 'engine',
    });
  }
};

// cancelled returns the error of a request cancelled in the worker (a
// transfer before it started in the engine, a reference's download), as
// the engine's own cancelled transfer reads: the page hears 'cancelled'.
function cancelled(message = 'The transfer was cancelled.') {
  const e = new Error(message);
  e.name = 'Cancelled';
  return e;
}

// onProgress gets each iteration from the engine and returns a promise that
// settles after the event loop has turned once, so that a 'cancel' message
// waiting in the queue is seen before the next iteration starts.
function onProgress(p) {
  const msg = { event: 'progress', iteration: p.iteration, total: p.total, loss: p.loss };
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
// after the last iteration) and draw (the look on the display copy).
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

// turn returns a promise that settles after the event loop has turned once.
function turn() {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  });
}

// keptNow is what this browser keeps of the engine's downloads (the
// service worker adds the page's files and the reference pictures).
function keptNow() {
  const networks = site.backbones.filter((b) => kept.has(b.weights.url)).map((b) => b.name);
  let bytes = 0;
  for (const n of kept.values()) bytes += n;
  return { bytes, networks, pictures: (vocabulary?.adjectives || []).reduce((n, a) => n + a.count, 0) };
}

// engineFile picks the engine this browser runs: the SIMD build where
// WebAssembly validates a v128 instruction (a function returning
// i32x4.splat of 0), else the scalar build beside it, which computes the
// same at about a third of the speed.
function engineFile(site) {
  const v128 = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b,
    3, 2, 1, 0, 10, 8, 1, 6, 0, 0x41, 0, 0xfd, 0x11, 0x0b]);
  return site.scalarEngine && !WebAssembly.validate(v128) ? site.scalarEngine : site.engine;
}

async function startEngine(reload) {
  const t0 = performance.now();
  const res = await fetch(new URL('site.json', base), { cache: 'no-cache' });
  if (!res.ok) throw new DownloadError(`Could not read site.json (${res.status}): the site is not built completely.`);
  site = await res.json();
  // One progress bar over everything the first visit downloads.
  const want = [{ key: 'engine', file: engineFile(site), label: 'engine' }];
  if (site.index) want.push({ key: 'index', file: site.index, label: 'reference index' });
  const first = site.backbones[0];
  if (first) want.push({ key: 'weights', file: first.weights, label: `${first.name} weights` });
  const total = want.reduce((s, w) => s + w.file.size, 0);
  kept.clear();
  let loaded = 0;
  let cachedAll = true;
  const tick = () => post({ event: 'load', loaded, total });
  let last = 0;
  const onBytes = (n) => {
    loaded += n;
    const now = performance.now();
    if (now - last > 50 || loaded === total) { last = now; tick(); }
  };
  const got = await Promise.all(want.map(async (w) => {
    const r = await fetchVerified(w.file, base, w.label, onBytes, { reload });
    cachedAll &&= r.cached;
    if (r.kept) kept.set(w.file.url, w.file.size);
    return [w.key, r.bytes];
  }));
  const bytes = Object.fromEntries(got);
  const phases = { download: performance.now() - t0 };

  let t = performance.now();
  await instantiate(bytes.engine);
  phases.compile = performance.now() - t;
  t = performance.now();
  if (bytes.index) vocabulary = call('loadIndex', bytes.index);
  phases.index = performance.now() - t;
  post({ event: 'load', loaded: total, total, cached: cachedAll, phases });
  // The network is built after the page is ready (building takes a moment
  // and only the transfer needs it); a transfer waits for it.
  if (bytes.weights) {
    const done = loadBackbone(first, bytes.weights);
    backbones.set(first.name, done);
    done.catch(() => backbones.delete(first.name));
  }
}

// instantiate compiles and starts the engine's WebAssembly and takes the
// bridge it registers.
async function instantiate(wasm) {
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance).then(() => { engine = null; });
  memory = instance.exports.mem;
  // main has run up to its first block, so the bridge is in place.
  engine = globalThis.sentimentEngine;
  if (!engine) throw new Error('The engine started but did not register itself.');
}

// loadBackbone builds a network in the engine and tells the page its
// default settings.
async function loadBackbone(b, weights) {
  const res = await fetch(new URL(b.manifest, base), { cache: 'no-cache' });
  if (!res.ok) throw new DownloadError(`Could not read the ${b.name} manifest (${res.status}).`);
  const manifest = await res.text();
  const t = performance.now();
  const defaults = call('loadBackbone', b.name, weights, manifest);
  const ev = { event: 'backbone', name: b.name, defaults, ms: performance.now() - t };
  built.set(b.name, ev);
  post(ev);
  return defaults;
}

async function ensureBackbone(name, reload = false) {
  if (backbones.has(name)) return backbones.get(name);
  const done = fetchBackbone(name, reload);
  backbones.set(name, done);
  done.catch(() => backbones.delete(name));
  return done;
}

// fetchBackbone downloads a network's weights (or reads them from
// storage), checked against their sha256, and builds it.
async function fetchBackbone(name, reload) {
  const b = site.backbones.find((x) => x.name === name);
  if (!b) throw new Error(`This site was built without the ${name} network.`);
  const abort = new AbortController();
  downloads.set(name, abort);
  let loaded = 0;
  let last = 0;
  let r;
  try {
    r = await fetchVerified(b.weights, base, `${b.name} weights`, (n) => {
      loaded += n;
      const now = performance.now();
      if (now - last > 50 || loaded === b.weights.size) {
        last = now;
        post({ event: 'network', name, loaded, total: b.weights.size });
      }
    }, { reload, signal: abort.signal });
  } finally {
    downloads.delete(name);
  }
  if (r.kept) kept.set(b.weights.url, b.weights.size);
  return loadBackbone(b, r.bytes);
}

// ensureWork gives the engine the working copy of the photo at size (long
// side, pixels), made from the full-size photo by the browser's own
// high-quality resampler.
async function ensureWork(size) {
  if (!full) throw new Error('Choose a photo first.');
  if (work && work.size === size && work.of === full) return;
  const t = performance.now();
  const of = full;
  const [w, h] = fit(of.width, of.height, size);
  const rgba = await pixels(of, w, h, true);
  // Another photo came while this copy was made: the engine gets the new
  // photo's, not this one's.
  if (of !== full) return ensureWork(size);
  call('setPhoto', rgba, w, h);
  work = { w, h, size, of, ms: performance.now() - t };
}

// pixels returns the RGBA bytes of bitmap scaled to w×h, unpremultiplied,
// or composited on white if white is set.
async function pixels(bitmap, w, h, white = false) {
  let src = bitmap;
  if (w !== bitmap.width || h !== bitmap.height) {
    src = await createImageBitmap(bitmap, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
  }
  const c = new OffscreenCanvas(w, h);
  const g = c.getContext('2d', { willReadFrequently: true });
  if (white) {
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, h);
  }
  g.drawImage(src, 0, 0);
  if (src !== bitmap) src.close();
  const d = g.getImageData(0, 0, w, h).data;
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

// look returns the display copy with the look at strength s, alpha kept.
function look(s) {
  const out = call('apply', screen.rgba, screen.w, screen.h, s);
  if (screen.alpha) putAlpha(out, screen.alpha);
  return out;
}

// takeAlpha returns the alpha bytes of rgba and makes rgba opaque (the
// engine reads colour only), or returns null if rgba is opaque already.
function takeAlpha(rgba) {
  let opaque = true;
  for (let i = 3; i < rgba.length && opaque; i += 4) opaque = rgba[i] === 255;
  if (opaque) return null;
  const a = new Uint8Array(rgba.length >> 2);
  for (let i = 0, j = 3; j < rgba.length; i++, j += 4) {
    a[i] = rgba[j];
    rgba[j] = 255;
  }
  return a;
}

// putAlpha puts alpha back into rgba.
function putAlpha(rgba, alpha) {
  for (let i = 0, j = 3; j < rgba.length; i++, j += 4) rgba[j] = alpha[i];
}

// onWhite composites rgba with alpha over white, opaque: the JPEG's
// picture, as the page shows the photo.
function onWhite(rgba, alpha) {
  for (let i = 0, j = 0; j < rgba.length; i++, j += 4) {
    const a = alpha[i] / 255;
    for (let c = 0; c < 3; c++) rgba[j + c] = Math.round(rgba[j + c] * a + 255 * (1 - a));
    rgba[j + 3] = 255;
  }
}
