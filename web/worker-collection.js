// The worker's own references: the pictures a user adds to the collection
// with a mood word (and a subject, if they like), described by the engine
// with the code that indexed the shipped references, kept on this device
// (own-store.js) and ranked with the shipped ones; their export and import
// as one collection file; and the subject the network guesses for the
// photo among the collection's nouns.
import { sha256 } from './assets.js';
import { fit } from './fit.js';
import { drawOnWhite } from './white.js';
import * as store from './own-store.js';
import { session, call, post } from './worker-session.js';
import { ensureBackbone } from './worker-start.js';
import { ensureWork } from './worker-photo.js';

// The JPEG quality of a kept picture, as the build writes the shipped ones.
const QUALITY = 0.9;
const KEY = /^[0-9a-f]{16}\.jpg$/;
let records = []; // the kept records, in the order the engine has them
let staged = null; // {records, problems}: prepared additions waiting for commitOwn
let problem = ''; // why own references cannot be kept, if they cannot

/** The requests this part answers. */
export const handlers = {
  // own lists the user's references: {refs: [{key, file, adjective, noun,
  // bytes, picture (Blob)}], bytes, problem}.
  async own() {
    return list();
  },

  // addOwn prepares pictures for the collection: items are {file (a
  // File), adjective, noun}. Each is read, checked, described by the engine
  // and made a working-size JPEG; nothing is kept yet. Without problems
  // they are kept at once; with some (unreadable, duplicates, a mood with
  // no photos left) the answer lists them and commitOwn keeps the rest.
  async addOwn({ items }) {
    const prepared = await prepare(items.map((it) => ({ ...it, read: () => it.file.arrayBuffer() })));
    return stageOrKeep(prepared);
  },

  // importOwn prepares the references of a collection file (the page's
  // export, or `sentiment index`), described again here from their
  // pictures, as addOwn does.
  async importOwn({ file }) {
    const refs = call('importOwn', new Uint8Array(await file.arrayBuffer()));
    const prepared = await prepare(refs.map((r) => ({ file: new File([r.picture], r.entry.file || r.entry.picture), adjective: r.entry.adjective, noun: r.entry.noun, tags: r.entry, key: KEY.test(r.entry.picture) ? r.entry.picture : null, read: async () => r.picture })));
    return stageOrKeep(prepared);
  },

  // commitOwn keeps what addOwn or importOwn prepared, leaving out the
  // pictures with problems.
  async commitOwn() {
    if (!staged) throw new Error('Nothing is waiting to be added.');
    const s = staged;
    staged = null;
    return keep(s.records);
  },

  async discardOwn() {
    staged = null;
    return list();
  },

  // removeOwn forgets the references of keys, or all of them.
  async removeOwn({ keys, all }) {
    if (all) await store.clear();
    else await store.remove(keys);
    const gone = new Set(keys || []);
    records = all ? [] : records.filter((r) => !gone.has(r.key));
    return engage();
  },

  // exportOwn returns every own reference as one collection file (a zip of
  // the index and the pictures).
  async exportOwn() {
    if (!records.length) throw new Error('You have no references of your own to export yet.');
    const pictures = await Promise.all(records.map(async (r) => new Uint8Array(await r.picture.arrayBuffer())));
    const zip = call('exportOwn', pictures);
    return { blob: new Blob([zip], { type: 'application/zip' }), count: records.length };
  },

  // subject guesses what the photo shows among the collection's nouns:
  // [{name, score}], best first, or null when the index has no subject
  // features. The first network, which made them, is built for it.
  async subject({ size }) {
    const first = session.site?.backbones[0];
    if (!first || !session.vocabulary?.nouns?.length) return null;
    await ensureBackbone(first.name);
    await ensureWork(size);
    const t = performance.now();
    try {
      return { guesses: call('subject'), ms: performance.now() - t };
    } catch (e) {
      if (/no subject features/.test(e.message)) return null;
      throw e;
    }
  },
};

/**
 * start gives the engine the references kept on this device, after the
 * shipped index: the vocabulary it answers is the page's. Those the engine
 * reports stale (an older format, or described before the network was
 * built) are described again from their pictures once the first network is
 * built, and the page hears the new vocabulary ('own' event).
 */
export async function start() {
  try {
    records = await store.all();
  } catch (e) {
    problem = e.message;
    records = [];
  }
  if (!records.length) return;
  const stale = setOwn();
  if (stale.length) refresh(stale).catch(() => {});
}

/** picture returns the kept picture (Blob) of an own reference key, or null. */
export function picture(key) {
  return records.find((r) => r.key === key)?.picture || null;
}

/** ownCount is how many own references are in the vocabulary's counts. */
export function ownCount() {
  return records.length;
}

// setOwn gives the engine the kept records and sets the vocabulary; it
// returns the records the engine could not use as they are.
function setOwn() {
  const r = call('setOwn', records.map((x) => x.index));
  if (r.vocabulary?.adjectives) session.vocabulary = r.vocabulary;
  return r.stale.map((i) => records[i]);
}

// engage gives the engine the records and answers the page's list with
// the vocabulary.
function engage() {
  setOwn();
  return { ...list(), vocabulary: session.vocabulary };
}

function list() {
  const refs = records.map(({ key, file, adjective, noun, bytes, picture: p }) => ({ key, file, adjective, noun, bytes, picture: p }));
  return { refs, bytes: refs.reduce((n, r) => n + r.bytes, 0), problem };
}

// refresh describes the stale records again from their pictures and keeps
// them so.
async function refresh(stale) {
  await ensureBackbone(session.site.backbones[0].name);
  const again = [];
  for (const r of stale) {
    const bm = await createImageBitmap(r.picture);
    const d = describe(bm, { file: r.file, adjective: r.adjective, noun: r.noun || '', picture: r.key });
    bm.close();
    again.push({ ...r, index: d.index });
  }
  await store.put(again);
  const by = new Map(again.map((r) => [r.key, r]));
  records = records.map((r) => by.get(r.key) || r);
  setOwn();
  post({ event: 'own', vocabulary: session.vocabulary });
}

// describe returns the engine's entry of bitmap at the working size, with
// the picture's RGBA there: {index, entry, rgba, w, h}.
function describe(bitmap, tags) {
  const [w, h] = fit(bitmap.width, bitmap.height, session.engine.constants.workingSize);
  const g = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
  drawOnWhite(g, bitmap, w, h);
  const rgba = g.getImageData(0, 0, w, h).data;
  return { ...call('describe', rgba, w, h, tags), canvas: g.canvas };
}

// prepare reads, checks and describes items ({file, adjective, noun,
// read(), key?, tags?}), posting 'own' progress events, and returns
// {records, problems: [{name, why}]}.
async function prepare(items) {
  const first = session.site?.backbones[0];
  // Subject features need the network: described without it, a
  // reference would be described again once it is built.
  if (first) await ensureBackbone(first.name);
  const have = new Map(records.map((r) => [r.key, r]));
  const taken = new Map();
  const out = [];
  const problems = [];
  const moods = new Map(); // each mood word given → whether a picture of it can be added
  let done = 0;
  for (const it of items) {
    const name = it.file.name || 'pasted picture';
    if (!moods.has(it.adjective)) moods.set(it.adjective, false);
    post({ event: 'own', preparing: { done: done++, total: items.length, name } });
    try {
      const bytes = await it.read();
      const key = it.key || `${(await sha256(bytes)).slice(0, 16)}.jpg`;
      if (have.has(key)) throw new Error(`already in your collection (as “${have.get(key).adjective}”)`);
      if (taken.has(key)) throw new Error(`the same picture as ${taken.get(key)}`);
      let bm;
      try {
        bm = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'from-image' });
      } catch {
        throw new Error('could not be read as a picture (damaged, or a format this browser does not decode)');
      }
      let d;
      try {
        d = describe(bm, { ...(it.tags || {}), file: name, adjective: it.adjective, noun: it.noun || '', picture: key });
      } finally {
        bm.close();
      }
      const picture = await d.canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
      taken.set(key, name);
      moods.set(it.adjective, true);
      out.push({ key, file: name, adjective: d.entry.adjective, noun: d.entry.noun, added: Date.now() + out.length, bytes: picture.size + d.index.length, picture, index: d.index });
    } catch (e) {
      problems.push({ name, mood: it.adjective, why: e.message.replace(/^(the \w+: )?retrieval: /, '$1') });
    }
  }
  post({ event: 'own', preparing: { done: items.length, total: items.length } });
  // A mood word none of whose pictures can be added.
  for (const [m, ok] of moods) {
    if (!ok) problems.push({ name: `“${m}”`, mood: m, why: 'this mood has no picture that can be added' });
  }
  return { records: out, problems };
}

// stageOrKeep keeps prepared records at once if nothing went wrong, else
// holds them for commitOwn and answers the problems.
async function stageOrKeep(p) {
  if (!p.problems.length) return keep(p.records);
  staged = p;
  return { ...list(), staged: p.records.length, problems: p.problems };
}

// keep stores records in one transaction (all or none) and gives them to
// the engine.
async function keep(add) {
  if (!add.length) return { ...list(), added: 0, vocabulary: session.vocabulary };
  await store.put(add);
  problem = '';
  records = [...records, ...add];
  return { ...engage(), added: add.length };
}
