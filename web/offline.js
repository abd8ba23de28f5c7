// Offline: registers the service worker (sw.js, at the site's root) that
// keeps the page and the reference pictures, asks it for the pictures once
// the engine is ready (they follow the first visit, not slow it), and says
// in the privacy line exactly what this browser keeps.
import { $, mb } from './dom.js';
import { state, subscribe } from './state.js';

let stored = false; // the service worker has everything for offline use
let usage = 0; // bytes this site stores, as the browser counts them
let pictures = null; // {kept, total}: the reference pictures the service worker has

/** init registers the service worker and keeps the privacy line true. */
export function init() {
  subscribe((changed) => (changed.has('kept') || changed.has('own')) && measure());
  if (!('serviceWorker' in navigator)) {
    render('This browser cannot keep the page for offline use, so it needs the connection each visit.');
    return;
  }
  navigator.serviceWorker.register('sw.js').catch((e) => render(`The page could not be kept for offline use (${e.message}).`));
  navigator.serviceWorker.onmessage = (e) => {
    if (e.data?.type !== 'pictures') return;
    pictures = e.data;
    stored = pictures.kept === pictures.total;
    measure();
  };
  // The pictures once the engine is in: ready settles once the service
  // worker has the page's own files.
  subscribe((changed) => {
    if (changed.has('ready') && state.ready && !stored) navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: 'keep-pictures' }));
  });
}

// measure counts what the site stores once both the engine's files and the
// service worker's are in, and says so.
async function measure() {
  if (stored && state.kept) usage = (await navigator.storage?.estimate?.().catch(() => null))?.usage || 0;
  render();
}

function render(problem) {
  const k = state.kept;
  const what = k
    ? `this page, its engine, ${k.networks.length > 1 ? `${k.networks.length} networks` : 'model'} and reference index (${mb(k.bytes)}) and the ${k.pictures} reference pictures`
    : 'this page, its engine, model and reference pictures';
  // The pictures on their way: how many are in so far.
  const coming = pictures && !stored && !problem ? ` The reference pictures are being kept in the background: ${pictures.kept} of ${pictures.total} so far.` : '';
  const p = $('privacy-text');
  // One's own references are the one thing of the user's that is kept.
  const n = state.own?.refs.length || 0;
  const yours = n ? `your photos are never uploaded; the ${n} reference picture${n === 1 ? '' : 's'} you added (${mb(state.own.bytes)}) are kept in this browser only` : 'your photos are never uploaded, and nothing of yours is kept';
  p.textContent = `Everything runs on this device: ${yours}. This browser keeps ${what}, for offline use.` +
    (problem ? ` ${problem}` : stored ? ` It now works without a connection${usage ? ` (${mb(usage)} stored in all)` : ''}.` : coming);
  $('privacy').dataset.offline = stored && state.kept ? 'ready' : 'pending';
}
