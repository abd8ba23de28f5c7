// Run: the settings, the transfer with its live preview and time left, and
// cancel. A run owns its inputs: the photo, mood, reference and settings
// are locked while it runs (cancel to change them), and the result keeps
// the inputs it was made from.
import { $, el, say } from './dom.js';
import { drawAfter, drawPreview, showBefore } from './compare.js';
import { state, set, subscribe, locked, debug, iterationsIn } from './state.js';
import { label } from './network.js';
import { matchText, poor, source } from './moods.js';
import { bitmapOnWhite } from './white.js';

let engine;
let recover; // restarts the worker (app.js)
let clock = null; // {t0, i0, perIteration} of the running transfer
const touched = new Set(); // settings the user changed: defaults never overwrite them

/** init wires the settings, start and cancel to eng; restart replaces a worker that does not stop. */
export function init(eng, restart) {
  engine = eng;
  recover = restart;
  for (const id of ['size', 'iterations', 'backbone']) {
    $(id).addEventListener('input', () => touched.add(id));
    $(id).addEventListener('change', () => touched.add(id));
  }
  $('start').addEventListener('click', start);
  $('cancel').addEventListener('click', cancel);
  subscribe((changed) => {
    if (changed.has('photo')) clear();
    if (changed.has('backbone') || changed.has('networks')) defaults();
    for (const k of ['ready', 'photo', 'reading', 'reference', 'running', 'backbones']) {
      if (changed.has(k)) {
        buttons();
        break;
      }
    }
  });
}

// clear takes the last run's lines away: they belong to the photo they describe.
function clear() {
  if (locked()) return;
  $('run').hidden = true;
  $('run-progress').value = 0;
  $('run-text').textContent = '';
  say('run-error');
}

// defaults marks the chosen network's default settings, and puts them in
// the form where the user has not typed; a change of network says what
// changed, and what of the user's was kept, outside the folded settings.
let shown = null; // {name, size, iterations}: the network whose defaults are in the form
function defaults() {
  const d = state.networks[state.backbone]?.defaults;
  // The same defaults come again (the worker's event and its answer, a
  // restarted worker): nothing changes, and the note stays.
  if (!d || (shown?.name === state.backbone && shown.size === d.size && shown.iterations === d.iterations)) return;
  const first = !shown;
  shown = { name: state.backbone, size: d.size, iterations: d.iterations };
  const was = { size: Number($('size').value), iterations: Number($('iterations').value) };
  const sel = $('size');
  for (const o of sel.options) o.textContent = o.textContent.replace(' (default)', '');
  let opt = [...sel.options].find((o) => Number(o.value) === d.size);
  if (!opt) {
    opt = el('option', { value: d.size }, `${d.size} px`);
    sel.append(opt);
  }
  opt.textContent += ' (default)';
  if (!touched.has('size')) sel.value = String(d.size);
  if (!touched.has('iterations')) $('iterations').value = d.iterations;
  if (first) return; // the page's opening values: nothing changed
  const parts = [];
  if (touched.has('size')) parts.push(`your working size of ${was.size} px is kept (it suggests ${d.size} px)`);
  else if (was.size !== d.size) parts.push(`working size ${d.size} px (was ${was.size} px)`);
  if (touched.has('iterations')) parts.push(`your ${was.iterations} iterations are kept (it suggests ${d.iterations})`);
  else if (was.iterations !== d.iterations) parts.push(`${d.iterations} iterations (was ${was.iterations})`);
  say('settings-note', parts.length ? `Settings for ${label(state.backbone)}: ${parts.join('; ')}.` : '');
}

function buttons() {
  const canRun = state.ready && state.photo && !state.reading && state.reference && state.backbones.length > 0 && !state.running;
  $('start').disabled = !canRun;
  $('start').title = !state.backbones.length && state.ready ? 'This site was built without model weights.' : '';
  for (const id of ['size', 'iterations']) $(id).disabled = locked();
}

/**
 * iterationsChosen reads the iterations field as a run takes it, for a
 * single run and a batch alike: 0 is the default (the mood's light alone);
 * iterations refine it with the paper's loss, up to 1000.
 */
export function iterationsChosen() {
  const iterations = iterationsIn($('iterations').value);
  $('iterations').value = iterations;
  return iterations;
}

async function start() {
  say('run-error');
  const iterations = iterationsChosen();
  const run = {
    photoId: state.photo.id, adjective: state.adjective, noun: state.noun, reference: state.reference,
    backbone: state.backbone || state.backbones[0], size: Number($('size').value), iterations,
  };
  clock = { t0: 0, i0: 0 };
  $('run').hidden = false;
  $('run-progress').value = 0;
  $('run-text').textContent = 'Preparing…';
  $('cancel').hidden = false;
  $('cancel').disabled = false;
  showBefore();
  // The result before this run, which a cancel gives back.
  const previous = state.result ? { result: state.result, strength: state.strength } : null;
  keptBack = previous?.result;
  // The mood's references make the light; one's own reference alone.
  const mood = run.reference.own ? '' : run.adjective;
  const request = engine.request('transfer', { backbone: run.backbone, size: run.size, iterations, mood });
  set({ running: { ...run, request }, result: null });
  let made = false; // the run's result is shown
  $('cancel').focus(); // Start is disabled now: focus stays on a control
  try {
    const r = await request;
    // The engine is done: the renderings left are not cancelled (a cancel
    // now left "Cancelling…" over a finished run).
    $('cancel').disabled = true;
    debug.metrics.transfer = { ms: r.ms, iterations: r.iterations, perIteration: clock.perIteration, phases: r.phases, wasmBytes: r.wasmBytes };
    const strength = state.networks[run.backbone]?.defaults?.strength ?? 1;
    // The look at the strengths the slider's instant blend needs (the
    // engine's blendAt, the whole look last; compare.js blendAfter).
    // The whole look is drawn now only if it is what opens: else the
    // picture would step from it to the preset's strength a moment later.
    const whole = r.keys.at(-1);
    if (strength === 1) drawAfter(whole.rgba, r.w, r.h);
    const keys = r.keys.map((k) => ({ at: k.at, bitmap: bitmapOnWhite(k.rgba, r.w, r.h) }));
    $('run-progress').value = $('run-progress').max;
    // What made the light, and a poor structure match, are said with the
    // result they made, not only on the card.
    const weak = lightText(run, r.mood);
    $('run-text').textContent = `Done: ${source(run)}${r.iterations ? `, ${r.iterations} iterations` : ''}${run.backbone !== state.backbones[0] ? ` with ${label(run.backbone)}` : ''} in ${(r.ms / 1000).toFixed(1)} s.${weak} Drag across the picture to compare.`;
    // The result opens at the preset's strength, drawn exactly before the
    // result is shown as done.
    if (strength !== 1) await drawAt(strength);
    set({ running: null, result: { ...run, ms: r.ms, iterations: r.iterations, keys }, strength });
    made = true;
  } catch (e) {
    if (e.kind === 'cancelled' || e.kind === 'restarted') {
      $('run-text').textContent = 'Cancelled. Change the settings or the reference and start again.';
    } else {
      say('run-error', e.message);
      $('run').hidden = true;
    }
    showBefore();
    // A run cancelled, or failed on its network's download, leaves the
    // engine's last result as it was (a replaced worker has none; a
    // stopped engine may not answer): the result from before comes back,
    // before the run lets go of the inputs, so that a run started at once
    // is not covered by it.
    if (previous && (e.kind === 'cancelled' || e.kind === 'download')) await restore(previous);
    set({ running: null });
  } finally {
    // The result from before is gone for good unless it came back.
    if (keptBack && keptBack !== state.result) closeKeys(keptBack);
    keptBack = null;
    clock = null;
    $('cancel').hidden = true;
    // Focus goes where the outcome is (the Cancel button it was on has
    // gone): the result's heading, or the run's status after a cancel or
    // a failure, for keyboards and screen readers alike.
    if (document.activeElement === document.body || document.activeElement === $('cancel')) {
      const to = made ? $('result-h') : !$('run-error').hidden ? $('run-error') : $('run-text');
      to.focus();
    }
  }
}

// A result's keys are bitmaps of the display copy (a few MB each, in the
// renderer's memory, not the script's heap): those of a result gone for
// good (another photo's, one a later run replaced) are closed at once
// rather than left to a garbage collection, which a page that allocates
// little script memory may put off for long.
let keyed = null; // the result whose keys are open
let keptBack = null; // the result a running start may give back

function closeKeys(result) {
  for (const k of result?.keys || []) k.bitmap.close();
}

subscribe((changed) => {
  if (!changed.has('result')) return;
  if (keyed && keyed !== state.result && keyed !== keptBack) closeKeys(keyed);
  keyed = state.result;
});

/** onProgress shows an iteration of the running transfer, its time left and preview. */
export function onProgress(m) {
  if (!clock || !state.running) return;
  const now = performance.now();
  if (!clock.t0) {
    clock.t0 = now;
    clock.i0 = m.iteration;
  } else if (m.iteration > clock.i0) {
    clock.perIteration = (now - clock.t0) / (m.iteration - clock.i0);
  }
  $('run-progress').max = m.total;
  $('run-progress').value = m.iteration;
  let text = `Iteration ${m.iteration} of ${m.total}`;
  if (clock.perIteration) {
    const left = ((m.total - m.iteration) * clock.perIteration) / 1000;
    text += ` · about ${left < 60 ? Math.ceil(left) + ' s' : Math.ceil(left / 60) + ' min'} left`;
  }
  $('run-text').textContent = text;
  if (m.preview) {
    drawPreview(m.preview.rgba, m.preview.w, m.preview.h);
    debug.metrics.previews = (debug.metrics.previews || 0) + 1;
  }
}

async function cancel() {
  const running = state.running;
  if (!running) return;
  $('cancel').disabled = true;
  $('run-text').textContent = 'Cancelling…';
  const t = performance.now();
  engine.cancel();
  // The engine stops between two iterations; if one takes too long, the
  // worker is ended outright and a fresh one set up again.
  const timer = setTimeout(() => recover(), debug.cancelWaitMs);
  try {
    await running.request;
  } catch {
    // reported by start
  }
  clearTimeout(timer);
  debug.metrics.cancelMs = performance.now() - t;
}

// restore shows a result again, at its strength, as the engine still has it.
async function restore({ result, strength }) {
  try {
    await drawAt(strength);
    set({ result, strength });
    $('run-text').textContent += ' The result from before is back.';
  } catch {
    // The engine lost it after all: no result, as after any failed run.
  }
}

// drawAt draws the engine's result at strength v, exactly.
async function drawAt(v) {
  const s = await engine.request('strength', { value: v });
  drawAfter(s.rgba, s.w, s.h);
  debug.metrics.strengthDrawn = v;
}

// lightText says what the engine made the light from: the mood's
// references (all alike when none shares the photo's structure) or one's
// own reference.
function lightText(run, mood) {
  if (!mood?.adjective) return '';
  const n = mood.references;
  const refs = `${n} “${mood.adjective}” reference${n === 1 ? '' : 's'}`;
  if (mood.consensus) return ` Its reference shares little of your photo’s structure (${matchText(run.reference.ssim)}), and so do the others, so the light comes from all ${refs} together.`;
  const light = `the light comes from the ${refs}, those laid out most like your photo counting most.`;
  if (poor(run.reference.ssim)) return ` Its reference shares little of your photo’s structure (${matchText(run.reference.ssim)}); ${light}`;
  return ` The${light.slice(3)}`;
}
