// The worker's downloads: the engine (SIMD or scalar), the reference index
// and the networks' weights, each checked against its sha256 (assets.js),
// and the networks built in the engine.
import '../wasm_exec.js';
import { fetchVerified, isKept, DownloadError } from './assets.js';
import { session, base, post, call } from './worker-session.js';
import * as own from './worker-collection.js';

// name → promise of the network's default settings once the engine has
// built it (a failure stays as a rejected promise, retried on next use).
const backbones = new Map();
const built = new Map(); // name → the 'backbone' event of a network built
const downloads = new Map(); // network name → AbortController of its download

/** The requests this part answers. */
export const handlers = {
  async load({ reload }) {
    if (!session.engine) await startEngine(reload);
    const { site, kept } = session;
    // Networks other than the first are downloaded when chosen; one chosen
    // on an earlier visit is in storage already.
    const nets = await Promise.all(site.backbones.map(async (b, i) => {
      const k = i === 0 ? kept.has(b.weights.url) : await isKept(b.weights, base);
      if (k) kept.set(b.weights.url, b.weights.size);
      return { name: b.name, label: b.label, note: b.note, about: b.about, credits: b.credits, size: b.weights.size, kept: k };
    }));
    // The first network may have been built while this answer was made:
    // its 'backbone' event then reached the page before the list it
    // belongs to, which drops it (and with it the network's defaults).
    // Every network built so far says so again, after the answer.
    setTimeout(() => { for (const ev of built.values()) post(ev); });
    return { vocabulary: session.vocabulary, constants: session.engine.constants, backbones: nets, hasIndex: !!site.index, kept: keptNow(), engine: engineFile(site).url };
  },

  // network downloads (unless kept) and builds a network the user chose,
  // with 'network' events as bytes arrive; cancelNetwork stops the
  // download. It resolves to the network's defaults and what is kept now.
  async network({ name, reload }) {
    const defaults = await ensureBackbone(name, reload);
    return { defaults, kept: keptNow() };
  },
};

/** cancelNetwork stops the download of the network name, if one runs. */
export function cancelNetwork(name) {
  downloads.get(name)?.abort();
}

// keptNow is what this browser keeps of the engine's downloads (the
// service worker adds the page's files and the reference pictures).
function keptNow() {
  const { site, kept, vocabulary } = session;
  const networks = site.backbones.filter((b) => kept.has(b.weights.url)).map((b) => b.name);
  let bytes = 0;
  for (const n of kept.values()) bytes += n;
  return { bytes, networks, pictures: (vocabulary?.adjectives || []).reduce((n, a) => n + a.count - (a.own || 0), 0) };
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
  const site = await res.json();
  session.site = site;
  // One progress bar over everything the first visit downloads.
  const want = [{ key: 'engine', file: engineFile(site), label: 'engine' }];
  if (site.index) want.push({ key: 'index', file: site.index, label: 'reference index' });
  const first = site.backbones[0];
  if (first) want.push({ key: 'weights', file: first.weights, label: `${first.name} weights` });
  const total = want.reduce((s, w) => s + w.file.size, 0);
  session.kept.clear();
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
    if (r.kept) session.kept.set(w.file.url, w.file.size);
    return [w.key, r.bytes];
  }));
  const bytes = Object.fromEntries(got);
  const phases = { download: performance.now() - t0 };

  let t = performance.now();
  await instantiate(bytes.engine);
  phases.compile = performance.now() - t;
  t = performance.now();
  if (bytes.index) session.vocabulary = call('loadIndex', bytes.index);
  // The user's own references, kept on this device, after the shipped ones.
  await own.start();
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
  go.run(instance).then(() => { session.engine = null; });
  session.memory = instance.exports.mem;
  // main has run up to its first block, so the bridge is in place.
  session.engine = globalThis.sentimentEngine;
  if (!session.engine) throw new Error('The engine started but did not register itself.');
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

/** ensureBackbone resolves to the network name's defaults once the engine has built it, downloading it first if need be. */
export async function ensureBackbone(name, reload = false) {
  if (backbones.has(name)) return backbones.get(name);
  const done = fetchBackbone(name, reload);
  backbones.set(name, done);
  done.catch(() => backbones.delete(name));
  return done;
}

// fetchBackbone downloads a network's weights (or reads them from
// storage), checked against their sha256, and builds it.
async function fetchBackbone(name, reload) {
  const b = session.site.backbones.find((x) => x.name === name);
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
  if (r.kept) session.kept.set(b.weights.url, b.weights.size);
  return loadBackbone(b, r.bytes);
}
