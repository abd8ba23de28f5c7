// Network: the choice of network in the settings, from the build's list
// (site.json: names, labels, sizes, credits). The first (SqueezeNet)
// comes with the page; another (DenseNet121, the paper's) is downloaded
// only when chosen, with its size said beforehand, its progress shown and
// a cancel, checked against its sha256 and kept for offline use. Once it
// is built, and the photo and reference are there, a probe of three
// iterations (the last with a preview) measures on this device how long a run with it takes, before
// the user starts one. A failed or cancelled download says so and puts
// the choice back on the first network, which keeps working.
import { $, el, mb, say } from './dom.js';
import { state, set, subscribe, locked, debug, iterationsIn } from './state.js';

let engine;
let probing = ''; // `${name}@${size}` of the probe asked for, '' when none

/** init wires the network choice to eng. */
export function init(eng) {
  engine = eng;
  $('backbone').addEventListener('change', () => choose($('backbone').value));
  $('net-cancel').addEventListener('click', () => engine.cancelNetwork(downloading()));
  $('size').addEventListener('change', () => { probe(); render(); });
  $('iterations').addEventListener('input', render);
  subscribe((changed) => {
    if (changed.has('ready') && state.ready && state.backbone !== state.backbones[0]) choose(state.backbone);
    if (['networks', 'backbone', 'backbones', 'running', 'ready'].some((k) => changed.has(k))) render();
    if (['networks', 'backbone', 'photo', 'reference', 'running'].some((k) => changed.has(k))) probe();
  });
}

/**
 * loaded returns the state's network part from the worker's list
 * ([{name, label, note, about, credits, size, kept}], site.json's networks
 * in the build's order): the choice stays where it was if the site still
 * has it (a replaced worker builds it again). It puts the networks'
 * credits in the page's.
 */
export function loaded(list) {
  const networks = {};
  list.forEach((b, i) => {
    networks[b.name] = {
      label: b.label || b.name, note: b.note || '', about: b.about || '', size: b.size, kept: b.kept,
      status: i === 0 ? 'building' : b.kept ? 'kept' : 'absent', loaded: 0, estimates: state.networks[b.name]?.estimates || {},
    };
  });
  credits(list);
  const names = list.map((b) => b.name);
  return { backbones: names, networks, backbone: names.includes(state.backbone) ? state.backbone : names[0] || '' };
}

/** onBackbone marks a network built, with its default settings. */
export function onBackbone(m) {
  debug.metrics.network = m.ms;
  patch(m.name, { status: 'ready', defaults: m.defaults });
}

/** onDownload shows a chosen network's download progress. */
export function onDownload(m) {
  patch(m.name, { status: m.loaded < m.total ? 'downloading' : 'building', loaded: m.loaded });
}

function patch(name, fields) {
  const n = state.networks[name];
  if (n) set({ networks: { ...state.networks, [name]: { ...n, ...fields } } });
}

function downloading() {
  return Object.keys(state.networks).find((k) => state.networks[k].status === 'downloading') || '';
}

// choose makes name the network of the next run, downloading and building
// it if it is not yet.
async function choose(name) {
  say('net-error');
  set({ backbone: name });
  const n = state.networks[name];
  if (!n || n.status === 'ready' || n.status === 'downloading' || (name === state.backbones[0] && n.status === 'building')) return;
  patch(name, { status: n.kept ? 'building' : 'downloading', loaded: 0 });
  const t = performance.now();
  try {
    const r = await engine.request('network', { name, reload: !!n.failed });
    debug.metrics.networkReady = { name, ms: performance.now() - t, downloaded: !n.kept };
    patch(name, { status: 'ready', kept: r.kept.networks.includes(name), defaults: r.defaults, failed: false });
    set({ kept: r.kept });
  } catch (e) {
    if (e.kind === 'restarted') return; // the new worker's load chooses it again
    // The first network stays the choice: it is there and works.
    patch(name, { status: n.kept ? 'kept' : 'absent', loaded: 0, failed: e.kind !== 'cancelled' });
    if (state.backbone === name) set({ backbone: state.backbones[0] });
    say('net-error', e.kind === 'cancelled'
      ? `The download of ${label(name)} was cancelled; nothing of it was kept. ${label(state.backbones[0])} is used.`
      : `${e.message} ${label(state.backbones[0])} is used; choose ${label(name)} again to retry.`);
  }
}

// probe measures the chosen network's time on this device at the chosen
// working size, once per network and size, when a run could start.
async function probe() {
  const name = state.backbone;
  const size = Number($('size').value);
  const n = state.networks[name];
  if (name === state.backbones[0] || !n || n.status !== 'ready' || n.estimates[size] || !state.photo || !state.reference || locked() || probing) return;
  probing = `${name}@${size}`;
  render();
  try {
    const r = await engine.request('probe', { name, size });
    // null: no photo or reference any more, or a run came first.
    if (r) {
      debug.metrics.probe = r;
      patch(name, { estimates: { ...state.networks[name].estimates, [size]: r } });
    }
  } catch {
    // A probe is a courtesy: the run itself reports its time.
  } finally {
    probing = '';
    render();
  }
  probe(); // the size may have changed meanwhile
}

/** label names a network for people, as the build's table of networks does. */
export function label(name) {
  return state.networks[name]?.label || name;
}

function optionText(name, n, first) {
  const what = n.note ? `${label(name)} — ${n.note}` : label(name);
  if (first) return what;
  return n.kept || n.status === 'ready' ? `${what} (on this device)` : `${what} (${mb(n.size)} download)`;
}

// credits writes the networks' credits (plain text in which [text](https://…)
// is a link) into the page's.
function credits(list) {
  const p = $('credits-networks');
  p.replaceChildren(list.length ? 'Networks:' : '');
  for (const b of list) {
    p.append(' ');
    const parts = (b.credits || '').split(/\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/);
    parts.forEach((s, i) => p.append(i % 3 === 1 ? el('a', { href: parts[i + 1] }, s) : i % 3 === 2 ? '' : s));
  }
}

function render() {
  const sel = $('backbone');
  const names = state.backbones;
  if ([...sel.options].map((o) => o.value).join() !== names.join()) {
    sel.length = 0;
    for (const b of names) sel.append(el('option', { value: b }, b));
  }
  for (const [i, o] of [...sel.options].entries()) o.textContent = optionText(o.value, state.networks[o.value], i === 0);
  if (state.backbone) sel.value = state.backbone;
  sel.disabled = locked();
  $('backbone-field').hidden = names.length < 2;

  const name = downloading() || state.backbone;
  const n = state.networks[name];
  const box = $('net');
  box.hidden = !n || name === names[0];
  if (box.hidden) return;
  const size = Number($('size').value);
  const est = n.estimates[size];
  let text = n.about;
  if (n.status === 'downloading') text += ` Downloading it, once: ${Math.floor((100 * n.loaded) / n.size)}% of ${mb(n.size)} (less travels, compressed). It is kept on this device for offline use; ${label(names[0])} works meanwhile.`;
  else if (n.status === 'building') text += ' Checking and building it…';
  else if (n.status === 'ready') text += ' It is ready, and kept on this device for offline use.';
  $('net-text').textContent = text.trim();
  $('net-progress').hidden = n.status !== 'downloading';
  $('net-progress').max = n.size;
  $('net-progress').value = n.loaded;
  $('net-cancel').hidden = n.status !== 'downloading';
  let e = '';
  if (est) {
    const its = iterationsIn($('iterations').value);
    // The run shows a preview every few iterations and at its end.
    const total = est.first + Math.max(0, its - 1) * est.perIteration + Math.ceil(its / est.previewEvery) * est.preview;
    const per = `Measured on this device: ${secs(est.perIteration)} an iteration at ${size} px`;
    // With no iteration the network only places the mood's light: the
    // probe's first step (setup and a whole step) is no estimate of that.
    e = its > 0 ? `${per}, so ${its} iterations take about ${secs(total)}.` : `${per}; no iteration is asked for, so the network only places the mood’s light, in a fraction of that.`;
  } else if (probing === `${name}@${size}`) e = `Measuring its speed on this device at ${size} px…`;
  else if (n.status === 'ready') e = 'Its speed on this device is measured once your photo and a reference are chosen.';
  $('net-estimate').textContent = e;
  $('net-estimate').hidden = !e;
}

// secs writes a duration in ms for people.
function secs(ms) {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}
