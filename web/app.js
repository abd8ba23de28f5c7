// The page's entry: it starts the engine's worker and the service worker,
// says what is loaded and kept, and wires the feature modules (photo in,
// moods and references, run, result and export, compare) around the one
// state. All computing is in the engine's worker (engine.js, worker.js);
// this thread decodes the photo, draws and reacts, so it never freezes.
import { Engine } from './engine.js';
import { $, mb } from './dom.js';
import { state, set, debug } from './state.js';
import * as photo from './photo.js';
import * as moods from './moods.js';
import * as run from './run.js';
import * as network from './network.js';
import * as result from './result.js';
import * as compare from './compare.js';
import * as offline from './offline.js';
import * as collection from './collection.js';
import * as subject from './subject.js';
import * as batch from './batch.js';

const engine = new Engine((m) => {
  if (m.event === 'load') onLoad(m);
  else if (m.event === 'progress') {
    run.onProgress(m);
    batch.onProgress(m);
  }
  else if (m.event === 'export') result.onExport(m);
  else if (m.event === 'backbone') network.onBackbone(m);
  else if (m.event === 'network') network.onDownload(m);
  else if (m.event === 'own') collection.onEvent(m);
  else if (m.event === 'batch') batch.onEvent(m);
});
compare.init();
photo.init(engine);
moods.init(engine);
run.init(engine, recover);
network.init(engine);
result.init(engine);
offline.init();
collection.init(engine);
subject.init(engine);
batch.init(engine);
$('engine-retry').addEventListener('click', () => {
  // A fresh worker, and downloads that bypass the HTTP cache.
  engine.restart();
  load(true, restorer());
});
load(false);

// load asks the worker to start the engine. restore, if given, gives a
// fresh worker what the page had before the state says ready, so that no
// run can start on a worker without its photo or reference.
async function load(reload, restore) {
  const box = $('engine');
  box.classList.remove('failed', 'ready');
  $('engine-retry').hidden = true;
  $('engine-text').textContent = 'Loading the engine…';
  try {
    const r = await engine.request('load', { reload });
    debug.metrics.ready = performance.now() - debug.metrics.start;
    debug.metrics.engine = r.engine; // which build: SIMD or scalar
    const what = ['engine', r.backbones.length ? 'model' : null, r.hasIndex ? 'reference index' : null].filter(Boolean);
    const list = what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what.at(-1)}` : what[0];
    let text = debug.metrics.cached
      ? `Ready. The ${list} came from this device's storage; nothing was downloaded.`
      : `Ready. The ${list} ${what.length > 1 ? 'are' : 'is'} now stored on this device for next time.`;
    if (!r.hasIndex) text += ' This site was built without the reference index: use your own reference picture.';
    if (!r.backbones.length) text += ' It was built without model weights, so it cannot transfer.';
    set({ constants: r.constants, vocabulary: r.vocabulary, kept: r.kept, ...network.loaded(r.backbones) });
    if (restore) await restore();
    box.classList.add('ready');
    $('engine-text').textContent = text;
    set({ ready: true }); // photo.js then takes a photo that waited for it
  } catch (e) {
    box.classList.add('failed');
    $('engine-text').textContent = e.message;
    $('engine-retry').hidden = false;
  }
}

function onLoad(m) {
  const p = $('engine-progress');
  p.max = m.total || 1;
  p.value = m.loaded;
  if (m.cached !== undefined) debug.metrics.cached = m.cached;
  if (m.phases) debug.metrics.phases = m.phases;
  // Other downloads go on after one failed: its message stays. The bytes
  // counted are the files' own; fewer travel, compressed.
  if (m.loaded < m.total && !$('engine').classList.contains('failed')) {
    $('engine-text').textContent = `Downloading the engine and model, once: ${Math.floor((100 * m.loaded) / m.total)}% of ${mb(m.total)} (less travels, compressed)`;
  }
}

// recover replaces a worker that did not stop in time: the new one loads
// the engine from Cache Storage and gets the photo and reference again. The
// page's state (photo, mood, cards, the run's lines) stays as it was.
async function recover() {
  engine.restart();
  set({ ready: false });
  await load(false, restorer());
}

// restorer returns what gives a fresh worker the photo and reference the
// page has (nothing before the first photo). If it fails, the engine's
// retry tries again.
function restorer() {
  const { reference } = state;
  return async () => {
    if (state.photo) await photo.resend();
    if (reference) await moods.restore(reference);
  };
}
