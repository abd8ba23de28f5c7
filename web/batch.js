// Many photos at once: several photos chosen or dropped together form a
// queue; the first is shown as the photo, the mood and settings are chosen
// as for one, and "Give all N this mood" runs them one after another in
// the engine's worker (worker-batch.js: each its own subject and
// reference), with the queue's state and a preview as they go, a cancel,
// and one download, a zip, at the end.
import { $, el, mb, say } from './dom.js';
import { take, resend } from './photo.js';
import { restore } from './moods.js';
import { save } from './result.js';
import { iterationsChosen } from './run.js';
import { state, set, subscribe, locked, debug } from './state.js';

let engine;
let files = []; // the queue
let zip = null; // {blob, name} of the last batch
let t0 = 0; // when the running batch began
let items = []; // per photo: {status, ms}

/** init wires the queue's controls to eng. */
export function init(eng) {
  engine = eng;
  $('batch-start').addEventListener('click', run);
  $('batch-cancel').addEventListener('click', () => {
    $('batch-cancel').disabled = true;
    $('batch-text').textContent = 'Cancelling…';
    engine.cancelBatch();
  });
  $('batch-clear').addEventListener('click', () => queue([]));
  $('batch-zip').addEventListener('click', () => zip && save(zip.blob, zip.name));
  subscribe((changed) => {
    if (['ready', 'running', 'adjective', 'reading', 'photo'].some((k) => changed.has(k))) buttons();
  });
}

/** queue makes files the batch (none: no batch), and takes the first as the photo. */
export function queue(list) {
  files = list;
  items = files.map(() => ({ status: 'waiting' }));
  zip = null;
  $('batch').hidden = !files.length;
  $('batch-zip').hidden = true;
  $('batch-text').textContent = files.length ? `${files.length} photos: choose the mood (and settings), then give them all the mood. The first is shown.` : '';
  render();
  buttons();
  if (files.length) take(files[0]);
}

/** onEvent shows a photo of the batch starting, done or failed. */
export function onEvent(m) {
  items[m.i] = { ...items[m.i], ...m };
  render();
  const done = items.filter((x) => x.status === 'done' || x.status === 'failed').length;
  const left = done ? ((performance.now() - t0) / done) * (files.length - done) : 0;
  $('batch-progress').value = done;
  if (state.running?.batch) $('batch-text').textContent = `${done} of ${files.length} done${done && done < files.length ? ` · about ${Math.ceil(left / 1000)} s left` : ''}`;
}

/** onProgress draws a running photo's preview in the queue's panel. */
export function onProgress(m) {
  if (!state.running?.batch) return;
  const i = items.findIndex((x) => x.status === 'running');
  if (i >= 0) {
    items[i].iteration = `${m.iteration} of ${m.total}`;
    const li = $('batch-list').children[i];
    if (li) li.querySelector('.status').textContent = `working: iteration ${m.iteration} of ${m.total}`;
  }
  if (!m.preview) return;
  const c = $('batch-preview');
  c.width = m.preview.w;
  c.height = m.preview.h;
  c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(m.preview.rgba.buffer), m.preview.w, m.preview.h), 0, 0);
  c.hidden = false;
}

function buttons() {
  const n = files.length;
  const go = $('batch-start');
  go.textContent = state.adjective ? `Give all ${n} photos the “${state.adjective}” mood` : `Give all ${n} photos a mood`;
  go.disabled = !n || !state.ready || !state.adjective || locked() || state.reading || !state.backbones.length;
  $('batch-clear').disabled = locked();
}

function render() {
  const list = $('batch-list');
  list.textContent = '';
  files.forEach((f, i) => {
    const x = items[i] || {};
    const status = {
      waiting: 'waiting', running: `working${x.iteration ? `: iteration ${x.iteration}` : '…'}`,
      done: `done in ${((x.ms || 0) / 1000).toFixed(1)} s, from ${x.reference}${x.subject ? ` (seen as ${x.subject})` : ''}`,
      failed: `failed: ${x.error}`, cancelled: 'cancelled',
    }[x.status];
    list.append(el('li', { class: `batch-${x.status}` }, el('span', { class: 'name' }, f.name), ' — ', el('span', { class: 'status' }, status)));
  });
}

async function run() {
  say('batch-error');
  // The settings of a single run (a 0 here once became 150 iterations of
  // the paper's loss: 14 s a photo where a run takes 0.6 s).
  const iterations = iterationsChosen();
  const backbone = state.backbone || state.backbones[0];
  const strength = state.networks[backbone]?.defaults?.strength ?? 1;
  const o = { files, adjective: state.adjective, backbone, size: Number($('size').value), iterations, strength, quality: 0.92 };
  items = files.map(() => ({ status: 'waiting' }));
  render();
  zip = null;
  $('batch-zip').hidden = true;
  $('batch-progress').max = files.length;
  $('batch-progress').value = 0;
  $('batch-progress').hidden = false;
  $('batch-cancel').hidden = false;
  $('batch-cancel').disabled = false;
  t0 = performance.now();
  const request = engine.request('batch', o);
  set({ running: { batch: true, adjective: o.adjective, request }, result: null });
  try {
    const r = await request;
    debug.metrics.batch = {
      ms: r.ms, done: r.done, failed: r.failed, photos: files.length, perPhoto: r.done ? r.ms / r.done : 0, runs: items.map((x) => x.run).filter(Boolean),
    };
    const name = `photos-${o.adjective.replace(/\W+/g, '_')}.zip`;
    zip = { blob: r.zip, name };
    $('batch-zip').hidden = !r.done;
    $('batch-zip').textContent = `Download the ${r.done} photo${r.done === 1 ? '' : 's'} (${name}, ${mb(r.zip.size)})`;
    $('batch-text').textContent = `${r.done} of ${files.length} given the “${o.adjective}” mood in ${(r.ms / 1000).toFixed(1)} s${r.failed ? `, ${r.failed} failed` : ''}${r.cancelled ? '; cancelled' : ''}.`;
  } catch (e) {
    say('batch-error', e.message);
    $('batch-text').textContent = '';
  } finally {
    $('batch-cancel').hidden = true;
    // The worker's photo and reference are the batch's last: the page's
    // own come back.
    set({ running: null });
    try {
      if (state.photo) await resend();
      if (state.reference) await restore(state.reference);
    } catch (e) {
      say('batch-error', e.message);
    }
    buttons();
  }
}
