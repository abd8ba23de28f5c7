// Result and export: the strength of the look, and the full-size JPEG and
// PNG and the .cube LUT downloads, named after the mood the result was
// made with.
import { $, el, mb, say } from './dom.js';
import { blendAfter, drawAfter, hideAfter } from './compare.js';
import { state, set, subscribe, debug } from './state.js';
import { source } from './moods.js';
import { label } from './network.js';

let engine;
let busy = false; // a strength request is in flight
let next = null; // the latest strength asked for meanwhile

/** init wires the strength slider and the downloads to eng. */
export function init(eng) {
  engine = eng;
  $('strength').addEventListener('input', (e) => {
    const v = Number(e.target.value) / 100;
    $('strength-out').value = `${e.target.value}%`;
    set({ strength: v });
    const t = performance.now();
    blendAfter(state.result, v);
    debug.metrics.blendMs = performance.now() - t;
    if (debug.exactStrength) strength(v);
  });
  for (const [id, format] of [['dl-jpeg', 'jpeg'], ['dl-png', 'png']]) $(id).addEventListener('click', () => exportImage(format));
  $('dl-lut').addEventListener('click', lut);
  subscribe((changed) => {
    if (changed.has('result') || changed.has('photo')) reset();
    if (changed.has('result') || changed.has('running') || changed.has('exporting')) buttons();
    if (['result', 'running', 'adjective', 'reference', 'ownRef'].some((k) => changed.has(k))) note();
  });
  reset();
}

// reset shows the slider and lines of the current result, or none.
function reset() {
  const r = state.result;
  // With no result the slider rests at none: at 100% it read as a strength set.
  const pct = r ? Math.round(state.strength * 100) : 0;
  $('strength').value = pct;
  $('strength-out').value = r ? `${pct}%` : '—';
  // The engine mixes a look's colour ahead of its light (look.Mix).
  const lead = state.constants?.colourLeadPercent;
  const opens = state.networks[r?.backbone]?.defaults?.strength;
  $('strength-hint').textContent = r && lead
    ? `Colours reach full strength at ${lead}%; above that only brightness changes.${opens ? ` Opens at ${Math.round(opens * 100)}%, this network’s suggested strength.` : ''}`
    : 'How much of the mood you get: set once a transfer is done.';
  if (!r) {
    $('dl-text').textContent = '';
    say('dl-error');
    if (!state.running) hideAfter();
  }
}

// note says so when the result shown was made with another mood or
// reference than the ones chosen since: it stays (to compare, to
// download) until a run makes the new one.
function note() {
  const r = state.result;
  const ref = state.reference;
  const same = (a, b) => (a.file || a.own) === (b.file || b.own);
  // One's own reference made it: the mood chosen since plays no part.
  const changed = r?.reference.own ? ref && !same(ref, r.reference) : r && (r.adjective !== state.adjective || (ref && !same(ref, r.reference)));
  const before = !!r && !state.running && !!changed;
  say('result-note', before ? `This is the result from before: ${source(r)}. Transfer the mood to see your new choice.` : '');
  // On the picture itself too, where the eye is.
  $('stage').classList.toggle('previous', before);
  $('tag-after').textContent = before ? 'Previous result' : 'After';
  $('after').setAttribute('aria-label', r ? `${before ? 'The previous result' : 'The result'}: the photo with ${source(r)}` : 'Photo with the new mood');
}

function buttons() {
  const done = !!state.result && !state.running;
  // Not during an export either: the file is made at the strength it
  // started with.
  $('strength').disabled = !done || !!state.exporting;
  for (const id of ['dl-jpeg', 'dl-png', 'dl-lut']) $(id).disabled = !done || !!state.exporting;
}

/** onExport shows how far the full-size rendering is. */
export function onExport(m) {
  if (!state.photo) return;
  const full = m.w === state.photo.w;
  const what = `the ${full ? 'full-size ' : ''}${m.format.toUpperCase()} (${m.w} × ${m.h}${full ? '' : `, the largest this browser can make of ${state.photo.w} × ${state.photo.h}`})`;
  $('dl-text').textContent = m.encoding ? `Encoding ${what}…` : `Rendering ${what}: ${Math.floor((100 * m.done) / m.total)}%`;
}

// strength keeps one request in flight and sends the latest value next, so
// the slider never queues up work; a stale answer is not drawn. The blend
// drawn at once is exact but where a rendering was clipped; the worker's
// rendering at that strength replaces it.
async function strength(v) {
  if (busy) {
    next = v;
    return;
  }
  busy = true;
  try {
    const r = await engine.request('strength', { value: v });
    debug.metrics.strengthMs = r.ms;
    if (v === state.strength && state.result) {
      drawAfter(r.rgba, r.w, r.h);
      debug.metrics.strengthDrawn = v;
    }
  } catch (e) {
    say('dl-error', e.message);
  } finally {
    busy = false;
  }
  if (next !== null) {
    const n = next;
    next = null;
    strength(n);
  }
}

async function exportImage(format) {
  const result = state.result;
  // Named now: a photo taken while it renders must not rename it.
  const file = `${name(result)}.${format === 'png' ? 'png' : 'jpg'}`;
  say('dl-error');
  set({ exporting: format });
  $('dl-text').textContent = `Rendering the full-size ${format.toUpperCase()} (${state.photo.w} × ${state.photo.h}): 0%`;
  try {
    // Rows per strip: the worker's choice, unless a test sets another to
    // check that strips of any height make the same picture.
    const r = await engine.request('export', { format, quality: 0.92, strength: state.strength, rows: debug.stripRows || 0 });
    debug.metrics.exportMs = r.ms;
    debug.metrics.wasmBytes = r.wasmBytes;
    debug.metrics.exportStrips = r.strips;
    debug.metrics.exportPhases = r.phases;
    save(r.blob, file);
    // The lines belong to the result: none if another photo came meanwhile.
    // Smaller than the photo where the browser holds no canvas that large.
    const smaller = r.w < r.full.w ? ` This browser cannot make a picture of your photo’s full ${r.full.w} × ${r.full.h} pixels, so it is saved at the largest size it can.` : '';
    if (state.result === result) $('dl-text').textContent = `Saved ${r.w} × ${r.h} ${format.toUpperCase()}, ${mb(r.blob.size)} (${(r.ms / 1000).toFixed(1)} s).${smaller}`;
  } catch (e) {
    $('dl-text').textContent = '';
    if (state.result === result) say('dl-error', e.message);
  } finally {
    set({ exporting: '' });
  }
}

async function lut() {
  const result = state.result;
  // Named now, as an image export is.
  const file = `${name(result)}.cube`;
  say('dl-error');
  set({ exporting: 'lut' });
  try {
    const r = await engine.request('lut', { strength: state.strength });
    save(new Blob([r.text], { type: 'text/plain' }), file);
    if (state.result === result) $('dl-text').textContent = 'Saved the 3D LUT (.cube): load it in a photo or video editor to apply the global part of this look.';
  } catch (e) {
    if (state.result === result) say('dl-error', e.message);
  } finally {
    set({ exporting: '' });
  }
}

// name is the download's name: the photo's, then what the result was made
// with (the mood, or one's own reference), then its network where that is
// not the first.
function name(result) {
  const clean = (n) => n.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_');
  const base = clean(state.photo?.name || 'photo') || 'photo';
  const look = result?.reference.own ? clean(result.reference.own) || 'own-reference' : result?.adjective || 'mood';
  const net = result && result.backbone !== state.backbones[0] ? `-${label(result.backbone).replace(/[^\w.-]+/g, '')}` : '';
  return `${base}-${look}${net}`;
}

/** save hands blob to the browser as a download named filename. */
export function save(blob, filename) {
  debug.saved = { name: filename, size: blob.size, blob };
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
