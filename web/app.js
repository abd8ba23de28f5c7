// The page: photo in, mood, references, transfer, result. All computing is
// in the engine's worker (engine.js, worker.js); this thread only decodes
// the photo (the browser's decoder, EXIF orientation honoured), draws and
// reacts, so it never freezes.
import { Engine, EngineError } from './engine.js';

const $ = (id) => document.getElementById(id);
const SCREEN = 1280; // long side of the display copy that previews use
// The largest photo taken. The engine transforms the full-size photo a
// strip at a time, so its own memory does not bound this; the browser
// does: the worker holds the decoded photo and a canvas of its size for
// the encoder (8 bytes a pixel: 800 MB at 100 MP), and canvases may not
// exceed 32767 pixels a side (Chromium, Firefox). 100 MP is the same bound
// as the command line's decoder (imaging.MaxPixels) and beyond any camera.
const MAX_PIXELS = 100e6;
const MAX_SIDE = 32767;
const K = 6; // references shown

// Figures the browser tests read (and a curious person in the console).
const metrics = (window.sentimentMetrics = { start: performance.now() });

const state = {
  ready: false,
  vocabulary: null,
  backbones: [],
  file: null, // the photo's File: re-read only if the worker restarts
  photo: null, // {name, w, h}
  screen: null, // ImageBitmap at display size: the "before"
  adjective: '',
  noun: '',
  reference: null, // {file} from the index or {own: name}
  ownRef: null, // the user's own reference File
  running: null, // the transfer's promise while it runs
  result: false,
  strength: 1,
};

const engine = new Engine(onEvent);
loadEngine(false);

// ---- engine loading ---------------------------------------------------

async function loadEngine(reload) {
  const box = $('engine');
  box.classList.remove('failed', 'ready');
  $('engine-retry').hidden = true;
  $('engine-text').textContent = 'Loading the engine…';
  try {
    const r = await engine.request('load', { reload });
    state.ready = true;
    state.vocabulary = r.vocabulary;
    state.backbones = r.backbones;
    metrics.ready = performance.now() - metrics.start;
    box.classList.add('ready');
    const what = ['engine', r.backbones.length ? 'model' : null, r.hasIndex ? 'reference index' : null].filter(Boolean);
    const list = what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what.at(-1)}` : what[0];
    $('engine-text').textContent = metrics.cached
      ? `Ready. The ${list} came from this device's storage; nothing was downloaded.`
      : `Ready. The ${list} ${what.length > 1 ? 'are' : 'is'} now stored on this device for next time.`;
    if (!r.hasIndex) $('engine-text').textContent += ' This site was built without the reference index: use your own reference picture.';
    if (!r.backbones.length) $('engine-text').textContent += ' It was built without model weights, so it cannot transfer.';
    renderMoods();
    renderBackbones();
    if (state.file && !state.photo) await setPhoto(state.file);
    updateButtons();
  } catch (e) {
    box.classList.add('failed');
    $('engine-text').textContent = e.message;
    $('engine-retry').hidden = false;
  }
}

$('engine-retry').addEventListener('click', () => {
  // A fresh worker, and downloads that bypass the HTTP cache.
  engine.restart();
  loadEngine(true);
});

function onEvent(m) {
  if (m.event === 'load') {
    const p = $('engine-progress');
    p.max = m.total || 1;
    p.value = m.loaded;
    if (m.cached !== undefined) metrics.cached = m.cached;
    if (m.phases) metrics.phases = m.phases;
    // Other downloads go on after one failed: its message stays.
    if (m.loaded < m.total && !$('engine').classList.contains('failed')) {
      $('engine-text').textContent = `Downloading the engine and model (once): ${mb(m.loaded)} of ${mb(m.total)}`;
    }
  } else if (m.event === 'progress') {
    onProgress(m);
  } else if (m.event === 'export') {
    const what = `the full-size ${m.format.toUpperCase()} (${state.photo.w} × ${state.photo.h})`;
    $('dl-text').textContent = m.encoding ? `Encoding ${what}…` : `Rendering ${what}: ${Math.floor((100 * m.done) / m.total)}%`;
  } else if (m.event === 'backbone') {
    metrics.network = m.ms;
    if (m.name === ($('backbone').value || state.backbones[0])) setDefaults(m.defaults);
  }
}

// ---- the photo ---------------------------------------------------------

const photoInput = $('photo-input');
photoInput.addEventListener('change', () => {
  if (photoInput.files[0]) takePhoto(photoInput.files[0]);
  photoInput.value = ''; // choosing the same file again still fires
});

const drop = $('drop');
document.addEventListener('dragover', (e) => {
  if ([...e.dataTransfer.types].includes('Files')) {
    e.preventDefault();
    drop.classList.add('over');
  }
});
document.addEventListener('dragleave', (e) => {
  if (!e.relatedTarget) drop.classList.remove('over');
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer.files[0];
  if (f) takePhoto(f);
});
document.addEventListener('paste', (e) => {
  const f = [...(e.clipboardData?.files || [])][0];
  if (f) {
    e.preventDefault();
    takePhoto(f);
  }
});

async function takePhoto(file) {
  if (state.running) {
    showError('photo-error', 'A transfer is running: cancel it before choosing another photo.');
    return;
  }
  hideError('photo-error');
  try {
    await setPhoto(file);
  } catch (e) {
    showError('photo-error', e.message);
    return;
  }
  if (state.adjective) retrieve();
}

// setPhoto decodes file, keeps a display copy here and hands the full-size
// bitmap to the worker (transferred, not copied).
async function setPhoto(file) {
  const bitmap = await decode(file, 'photo');
  if (bitmap.width * bitmap.height > MAX_PIXELS) {
    const mp = ((bitmap.width * bitmap.height) / 1e6).toFixed(0);
    bitmap.close();
    throw new Error(`“${file.name}” has ${mp} megapixels; this page handles up to ${MAX_PIXELS / 1e6}. Scale it down first.`);
  }
  if (Math.max(bitmap.width, bitmap.height) > MAX_SIDE) {
    const [w, h] = [bitmap.width, bitmap.height];
    bitmap.close();
    throw new Error(`“${file.name}” is ${w} × ${h} pixels; browsers cannot draw an image more than ${MAX_SIDE} pixels wide or high. Scale it down first.`);
  }
  const [sw, sh] = fit(bitmap.width, bitmap.height, SCREEN);
  const screen = await createImageBitmap(bitmap, { resizeWidth: sw, resizeHeight: sh, resizeQuality: 'high' });
  const w = bitmap.width;
  const h = bitmap.height;
  await engine.request('photo', { bitmap, screenW: sw, screenH: sh }, [bitmap]);
  state.screen?.close();
  state.file = file;
  state.screen = screen;
  state.photo = { name: file.name || 'pasted image', w, h };
  state.result = false;
  if (!state.ownRef) state.reference = null;
  const info = $('photo-info');
  info.hidden = false;
  info.textContent = `${state.photo.name} — ${w} × ${h} px (${(w * h / 1e6).toFixed(1)} MP)`;
  showBefore();
  resetResult();
  updateButtons();
}

// decode turns a file into a bitmap with the browser's decoder, or throws
// an error that says what is wrong with the file.
async function decode(file, what) {
  const name = file.name || `pasted ${what}`;
  if (file.size === 0) throw new Error(`“${name}” is empty (0 bytes).`);
  if (file.type && !file.type.startsWith('image/')) {
    const kind = file.type.startsWith('text/') ? 'a text file' : `a ${file.type} file`;
    throw new Error(`“${name}” is ${kind}, not a picture. Choose a JPEG, PNG, WebP, AVIF or GIF image.`);
  }
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    const type = file.type ? file.type.replace('image/', '').toUpperCase() : 'picture';
    throw new Error(`“${name}” could not be read as a ${type === 'picture' ? 'picture' : type + ' image'}: the file is damaged, incomplete or in a format this browser cannot decode.`);
  }
}

// ---- moods and references ----------------------------------------------

function renderMoods() {
  const box = $('moods');
  box.textContent = '';
  const v = state.vocabulary;
  if (!v || !v.adjectives?.length) {
    box.append(el('p', { class: 'hint' }, 'No moods: this site was built without a reference index. Use your own reference below.'));
    $('refs-block').hidden = false;
    return;
  }
  const groups = [
    ['positive', 'Positive'],
    ['negative', 'Negative'],
    ['neutral', 'Neutral'],
  ];
  for (const [pol, title] of groups) {
    const words = v.adjectives.filter((a) => (a.polarity || 'neutral') === pol);
    if (!words.length) continue;
    const fs = el('fieldset', {}, el('legend', {}, title));
    const chips = el('div', { class: 'chips' });
    for (const a of words) {
      const input = el('input', { type: 'radio', name: 'mood', value: a.name, 'data-polarity': pol });
      input.addEventListener('change', () => {
        state.adjective = a.name;
        retrieve();
      });
      chips.append(el('label', { class: 'chip', title: `${a.count} reference photo${a.count === 1 ? '' : 's'}` }, input, el('span', {}, a.name)));
    }
    fs.append(chips);
    box.append(fs);
  }
  const noun = $('noun');
  noun.length = 1;
  for (const n of v.nouns || []) noun.append(el('option', { value: n.name }, n.name));
  noun.disabled = false;
}

$('noun').addEventListener('change', (e) => {
  state.noun = e.target.value;
  if (state.adjective) retrieve();
});

let retrieveSeq = 0;
async function retrieve() {
  if (!state.photo || !state.adjective || !state.ready) {
    if (!state.photo && state.adjective) showError('ref-error', 'Choose your photo first: the references are ranked by how alike they are to it.');
    $('refs-block').hidden = false;
    return;
  }
  hideError('ref-error');
  const seq = ++retrieveSeq;
  $('refs-block').hidden = false;
  $('refs-time').textContent = 'searching…';
  try {
    const r = await engine.request('retrieve', { adjective: state.adjective, noun: state.noun, k: K, size: size() });
    if (seq !== retrieveSeq) return;
    metrics.retrieval = r.ms;
    $('refs-time').textContent = `(${r.matches.length} of “${state.adjective}”${state.noun ? ', ' + state.noun + ' first' : ''}, ${r.ms.toFixed(0)} ms)` +
      (state.ownRef ? ` — using your own: ${state.ownRef.name}` : '');
    renderRefs(r.matches);
    if (r.matches.length && !state.ownRef) await chooseRef(r.matches[0].picture);
  } catch (e) {
    if (seq !== retrieveSeq) return;
    $('refs-time').textContent = '';
    showError('ref-error', e.message);
  }
}

function renderRefs(matches) {
  const box = $('refs');
  box.textContent = '';
  matches.forEach((m, i) => {
    const input = el('input', { type: 'radio', name: 'ref', value: m.picture, 'aria-label': `${m.adjective} ${m.noun}, SSIM ${m.ssim.toFixed(3)}, ${m.author && m.author !== '-' ? 'by ' + m.author : 'author not named'}, ${m.license}` });
    if (i === 0 && !state.ownRef) input.checked = true;
    input.addEventListener('change', () => {
      state.ownRef = null;
      chooseRef(m.picture);
    });
    const author = m.author && m.author !== '-' ? m.author : 'author not named';
    const attr = el('span', { class: 'attr' }, `${author} · ${m.license}`);
    if (/^https?:\/\//.test(m.source || '')) {
      attr.append(' · ', el('a', { href: m.source, target: '_blank', rel: 'noopener noreferrer' }, 'source'));
    }
    const card = el('label', { class: 'ref', title: m.description || '' },
      input,
      el('img', { src: m.picture, alt: m.description || `${m.adjective} ${m.noun}`, loading: 'lazy', decoding: 'async' }),
      el('span', { class: 'score' }, `SSIM ${m.ssim.toFixed(3)}`),
      el('span', {}, `${m.adjective} ${m.noun}`),
      attr);
    if (i === 0) card.append(el('span', { class: 'best' }, 'best'));
    box.append(card);
  });
}

async function chooseRef(picture) {
  hideError('ref-error');
  state.reference = null;
  updateButtons();
  try {
    await engine.request('reference', { file: picture });
    state.reference = { file: picture };
  } catch (e) {
    showError('ref-error', e.message);
  }
  updateButtons();
}

$('ref-input').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  e.target.value = '';
  if (!f) return;
  hideError('ref-error');
  try {
    const bm = await decode(f, 'reference');
    await engine.request('reference', { bitmap: bm }, [bm]);
    state.ownRef = f;
    state.reference = { own: f.name };
    for (const r of document.querySelectorAll('input[name=ref]')) r.checked = false;
    $('refs-time').textContent = `(your own: ${f.name})`;
  } catch (err) {
    showError('ref-error', err.message);
  }
  updateButtons();
});

// ---- transfer -----------------------------------------------------------

function size() {
  return Number($('size').value);
}

function renderBackbones() {
  const sel = $('backbone');
  sel.length = 0;
  for (const b of state.backbones) sel.append(el('option', { value: b }, b.startsWith('squeezenet') ? 'SqueezeNet 1.1 (fast)' : b === 'densenet121' ? 'DenseNet121 (the paper’s; slower)' : b));
  $('backbone-field').hidden = state.backbones.length < 2;
}

// setDefaults puts the network's default working size and iterations in
// the form and marks them as the defaults.
function setDefaults(d) {
  if (!d || setDefaults.done) return;
  setDefaults.done = true; // once: later the user's choices stand
  const sel = $('size');
  for (const o of sel.options) o.textContent = o.textContent.replace(' (default)', '');
  let opt = [...sel.options].find((o) => Number(o.value) === d.size);
  if (!opt) {
    opt = el('option', { value: d.size }, `${d.size} px`);
    sel.append(opt);
  }
  opt.textContent += ' (default)';
  sel.value = String(d.size);
  $('iterations').value = d.iterations;
}

function updateButtons() {
  const canRun = state.ready && state.photo && state.reference && state.backbones.length > 0 && !state.running;
  $('start').disabled = !canRun;
  $('start').title = !state.backbones.length && state.ready ? 'This site was built without model weights.' : '';
  const done = state.result && !state.running;
  for (const id of ['strength', 'dl-jpeg', 'dl-png', 'dl-lut']) $(id).disabled = !done;
}

let run = null; // {t0, i0, total} of the running transfer

$('start').addEventListener('click', startTransfer);
async function startTransfer() {
  hideError('run-error');
  const iterations = Math.max(1, Math.min(1000, Math.round(Number($('iterations').value) || 150)));
  $('iterations').value = iterations;
  run = { t0: 0, i0: 0, total: iterations, start: performance.now(), times: [] };
  $('run').hidden = false;
  $('run-progress').value = 0;
  $('run-text').textContent = 'Preparing…';
  $('cancel').hidden = false;
  $('cancel').disabled = false;
  resetResult();
  state.running = engine.request('transfer', {
    backbone: $('backbone').value || state.backbones[0],
    size: size(),
    iterations,
    previewEvery: 5,
  });
  updateButtons();
  try {
    const r = await state.running;
    metrics.transfer = { ms: r.ms, iterations: r.iterations, perIteration: run.perIteration, wasmBytes: r.wasmBytes };
    drawAfter(r.rgba, r.w, r.h);
    state.fullBitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(r.rgba.buffer, r.rgba.byteOffset, r.rgba.length), r.w, r.h));
    state.result = true;
    state.strength = 1;
    $('strength').value = 100;
    $('strength-out').value = '100%';
    $('run-progress').value = $('run-progress').max;
    $('run-text').textContent = `Done: ${r.iterations} iterations in ${(r.ms / 1000).toFixed(1)} s. Drag across the picture to compare.`;
  } catch (e) {
    if (e.kind === 'cancelled' || e.kind === 'restarted') {
      $('run-text').textContent = 'Cancelled. Change the settings or the reference and start again.';
    } else {
      showError('run-error', e.message);
      $('run').hidden = true;
    }
    showBefore();
  } finally {
    state.running = null;
    $('cancel').hidden = true;
    updateButtons();
  }
}

function onProgress(m) {
  if (!run) return;
  const now = performance.now();
  if (!run.t0) {
    run.t0 = now;
    run.i0 = m.iteration;
  } else if (m.iteration > run.i0) {
    run.perIteration = (now - run.t0) / (m.iteration - run.i0);
  }
  $('run-progress').max = m.total;
  $('run-progress').value = m.iteration;
  let text = `Iteration ${m.iteration} of ${m.total}`;
  if (run.perIteration) {
    const left = ((m.total - m.iteration) * run.perIteration) / 1000;
    text += ` · about ${left < 60 ? Math.ceil(left) + ' s' : Math.ceil(left / 60) + ' min'} left`;
  }
  $('run-text').textContent = text;
  if (m.preview) {
    drawAfter(m.preview.rgba, m.preview.w, m.preview.h);
    metrics.previews = (metrics.previews || 0) + 1;
  }
}

$('cancel').addEventListener('click', async () => {
  if (!state.running) return;
  $('cancel').disabled = true;
  $('run-text').textContent = 'Cancelling…';
  const running = state.running;
  const t = performance.now();
  engine.cancel();
  // The engine stops between two iterations; if one takes too long, the
  // worker is ended outright and a fresh one set up again.
  const timer = setTimeout(() => recover(), 1500);
  try {
    await running;
  } catch {
    // reported by startTransfer
  }
  clearTimeout(timer);
  metrics.cancelMs = performance.now() - t;
});

// recover replaces a worker that did not stop in time: the new one loads
// the engine from Cache Storage and gets the photo and reference again.
async function recover() {
  engine.restart();
  state.ready = false;
  const file = state.file;
  const ref = state.reference;
  state.photo = null;
  await loadEngine(false);
  if (file && !state.photo) await setPhoto(file);
  if (ref?.file) await chooseRef(ref.file);
  else if (state.ownRef) {
    const bm = await decode(state.ownRef, 'reference');
    await engine.request('reference', { bitmap: bm }, [bm]);
    state.reference = ref;
  }
  updateButtons();
}

// ---- result -------------------------------------------------------------

// The strength slider answers at once with a blend of the photo and the
// full-strength result drawn here (the grid's blend is linear in strength,
// so this is exact but where the full result was clipped), then the
// worker's exact rendering at that strength replaces it.
let strengthBusy = false;
let strengthNext = null;
$('strength').addEventListener('input', (e) => {
  const v = Number(e.target.value) / 100;
  $('strength-out').value = `${e.target.value}%`;
  state.strength = v;
  blend(v);
  applyStrength(v);
});

function blend(v) {
  const full = state.fullBitmap;
  if (!full || !state.screen) return;
  const t = performance.now();
  const g = after.getContext('2d');
  // source-over with alpha v: photo·(1 − v) + result·v, composited by the
  // browser.
  g.globalAlpha = 1;
  g.drawImage(state.screen, 0, 0, after.width, after.height);
  g.globalAlpha = v;
  g.drawImage(full, 0, 0, after.width, after.height);
  g.globalAlpha = 1;
  metrics.blendMs = performance.now() - t;
}

// applyStrength keeps one request in flight and sends the latest value
// next, so the slider never queues up work; a stale answer is not drawn.
async function applyStrength(v) {
  if (strengthBusy) {
    strengthNext = v;
    return;
  }
  strengthBusy = true;
  try {
    const r = await engine.request('strength', { value: v });
    metrics.strengthMs = r.ms;
    if (v === state.strength) drawAfter(r.rgba, r.w, r.h);
  } catch (e) {
    showError('dl-error', e.message);
  } finally {
    strengthBusy = false;
  }
  if (strengthNext !== null) {
    const n = strengthNext;
    strengthNext = null;
    applyStrength(n);
  }
}

for (const [id, format] of [['dl-jpeg', 'jpeg'], ['dl-png', 'png']]) {
  $(id).addEventListener('click', async () => {
    hideError('dl-error');
    $(id).disabled = true;
    $('dl-text').textContent = `Rendering the full-size ${format.toUpperCase()} (${state.photo.w} × ${state.photo.h}): 0%`;
    try {
      // Rows per strip: the worker's choice, unless a test sets another to
      // check that strips of any height make the same picture.
      const rows = window.sentimentStripRows;
      const r = await engine.request('export', { format, quality: 0.92, strength: state.strength, rows });
      metrics.exportMs = r.ms;
      metrics.wasmBytes = r.wasmBytes;
      metrics.exportStrips = r.strips;
      save(r.blob, `${outName()}.${format === 'png' ? 'png' : 'jpg'}`);
      $('dl-text').textContent = `Saved ${r.w} × ${r.h} ${format.toUpperCase()}, ${mb(r.blob.size)} (${(r.ms / 1000).toFixed(1)} s).`;
    } catch (e) {
      $('dl-text').textContent = '';
      showError('dl-error', e.message);
    } finally {
      updateButtons();
    }
  });
}

$('dl-lut').addEventListener('click', async () => {
  hideError('dl-error');
  try {
    const r = await engine.request('lut', { strength: state.strength });
    save(new Blob([r.text], { type: 'text/plain' }), `${outName()}.cube`);
    $('dl-text').textContent = 'Saved the 3D LUT (.cube): load it in a photo or video editor to apply the global part of this look.';
  } catch (e) {
    showError('dl-error', e.message);
  }
});

function outName() {
  const base = (state.photo?.name || 'photo').replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'photo';
  return `${base}-${state.adjective || 'mood'}`;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- the picture and the comparison --------------------------------------

const before = $('before');
const after = $('after');
const stage = $('stage');

function showBefore() {
  const s = state.screen;
  if (!s) return;
  $('placeholder').hidden = true;
  document.body.classList.add('has-photo');
  before.width = s.width;
  before.height = s.height;
  before.getContext('2d').drawImage(s, 0, 0);
  before.hidden = false;
  after.hidden = true;
  setCompare(false);
}

function resetResult() {
  state.result = false;
  state.fullBitmap?.close();
  state.fullBitmap = null;
  after.hidden = true;
  setCompare(false);
  updateButtons();
}

// drawAfter shows rgba (w×h) over the photo, scaled to the display copy.
function drawAfter(rgba, w, h) {
  const s = state.screen;
  if (!s) return;
  after.width = s.width;
  after.height = s.height;
  const g = after.getContext('2d');
  const img = new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), w, h);
  if (w === s.width && h === s.height) {
    g.putImageData(img, 0, 0);
  } else {
    const tmp = new OffscreenCanvas(w, h);
    tmp.getContext('2d').putImageData(img, 0, 0);
    g.imageSmoothingQuality = 'high';
    g.drawImage(tmp, 0, 0, s.width, s.height);
  }
  after.hidden = false;
  setCompare(true);
}

function setCompare(on) {
  stage.classList.toggle('compare', on);
  for (const id of ['split-line', 'tag-before', 'tag-after', 'split-field']) $(id).hidden = !on;
  if (on) placeSplit();
}

function placeSplit() {
  const v = Number($('split').value);
  stage.style.setProperty('--split', `${v}%`);
  const c = after.getBoundingClientRect();
  const s = stage.getBoundingClientRect();
  $('split-line').style.left = `${c.left - s.left + (c.width * v) / 100}px`;
}

$('split').addEventListener('input', placeSplit);
window.addEventListener('resize', () => stage.classList.contains('compare') && placeSplit());

let dragging = false;
stage.addEventListener('pointerdown', (e) => {
  if (!stage.classList.contains('compare')) return;
  dragging = true;
  stage.setPointerCapture(e.pointerId);
  splitAt(e.clientX);
});
stage.addEventListener('pointermove', (e) => dragging && splitAt(e.clientX));
stage.addEventListener('pointerup', () => (dragging = false));
stage.addEventListener('pointercancel', () => (dragging = false));

function splitAt(x) {
  const c = after.getBoundingClientRect();
  $('split').value = Math.round(Math.max(0, Math.min(1, (x - c.left) / c.width)) * 100);
  placeSplit();
}

// ---- small helpers --------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function fit(w, h, long) {
  if (Math.max(w, h) <= long) return [w, h];
  return w >= h ? [long, Math.max(1, Math.round((h * long) / w))] : [Math.max(1, Math.round((w * long) / h)), long];
}

function mb(n) {
  return n < 1e6 ? `${(n / 1e3).toFixed(0)} kB` : `${(n / 1e6).toFixed(1)} MB`;
}

function showError(id, text) {
  const e = $(id);
  if (e.classList.contains('message')) {
    e.textContent = text;
    e.hidden = false;
  } else {
    e.textContent = text;
  }
}

function hideError(id) {
  const e = $(id);
  e.hidden = true;
  e.textContent = '';
}

export { EngineError };
