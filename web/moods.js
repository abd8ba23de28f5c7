// Moods and references: the collection's moods grouped by its own
// polarity, the subject, and the gallery of references ranked by how
// alike their structure is to the photo's, with their credits.
import { $, el, say } from './dom.js';
import { check, decode } from './photo.js';
import { pictureURL } from './collection.js';
import { guessed } from './subject.js';
import { state, set, subscribe, locked, debug } from './state.js';

const K = 6; // references shown
let engine;
let seq = 0; // the latest retrieval: older answers are dropped
let chosen = 0; // the latest reference chosen: older ones are not given or kept
let ownChosen = false; // the latest chosen is the user's own picture
let giving = Promise.resolve(); // the reference request in flight
let asking = false; // a reference request is with the worker now
// What the worker was last given: {reference, ownRef, seq} (seq the
// ranking it was given during), or null.
let given = null;
let ranked = ''; // the heading of the references ranked last

/** init wires the moods, the subject and the references to eng. */
export function init(eng) {
  engine = eng;
  $('noun').addEventListener('change', (e) => {
    set({ noun: e.target.value });
    retrieve();
  });
  $('ref-input').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    e.target.value = '';
    if (f) await useOwn(f);
  });
  // A picture dropped on "Use my own reference…" is that, not a new photo
  // (the page takes a drop anywhere else as the photo, replacing it).
  const own = $('ref-input').closest('label');
  own.addEventListener('dragover', (e) => {
    e.preventDefault();
    e.stopPropagation();
    $('drop').classList.remove('over');
    own.classList.toggle('over', !$('ref-input').disabled);
  });
  own.addEventListener('dragleave', () => own.classList.remove('over'));
  own.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    own.classList.remove('over');
    const f = e.dataTransfer.files[0];
    if (!f) return;
    if (!$('ref-input').disabled) useOwn(f);
    else say('ref-error', locked() ? 'A transfer is running: cancel it before choosing another reference.' : 'The engine is loading: drop your picture again once it is ready.');
  });
  subscribe((changed) => {
    if (changed.has('vocabulary')) renderMoods();
    if (changed.has('photo') && state.photo) retrieve();
    if (changed.has('running') || changed.has('ready')) lock();
    if (changed.has('ownRef') || changed.has('reference')) heading();
  });
}

// lock disables every input of the run while it runs: the run owns them.
// They are disabled while a replaced worker loads too: it could neither
// rank nor take a reference yet, and gets the one from before.
function lock() {
  const on = locked();
  for (const e of document.querySelectorAll('#moods input, #refs input, #noun, #ref-input')) e.disabled = on || !state.ready || (e.id === 'noun' && !state.vocabulary);
  $('mood-step').classList.toggle('locked', on);
  $('mood-lock').hidden = !on;
}

function renderMoods() {
  const box = $('moods');
  box.textContent = '';
  const v = state.vocabulary;
  if (!v || !v.adjectives?.length) {
    box.append(el('p', { class: 'hint' }, 'No moods: this site was built without a reference index. Use your own reference below.'));
    $('refs-block').hidden = false;
    return;
  }
  // The tagline's examples: moods the collection has, both polarities.
  const pos = v.adjectives.filter((a) => a.polarity === 'positive');
  const neg = v.adjectives.filter((a) => a.polarity !== 'positive');
  const examples = [neg[0], pos[0], neg[1], pos[1]].filter(Boolean).map((a) => a.name);
  if (examples.length) $('tagline-moods').textContent = examples.join(', ');
  // The collection's own polarity, as its catalog gives it.
  for (const [pol, title] of [['positive', 'Positive'], ['negative', 'Negative'], ['neutral', 'Neutral']]) {
    const words = v.adjectives.filter((a) => (a.polarity || 'neutral') === pol);
    if (!words.length) continue;
    const chips = el('div', { class: 'chips' });
    for (const a of words) {
      const input = el('input', { type: 'radio', name: 'mood', value: a.name, 'data-polarity': pol });
      input.checked = a.name === state.adjective; // drawn again after a restart
      input.addEventListener('change', () => {
        set({ adjective: a.name });
        retrieve();
      });
      const mine = a.own ? `, ${a.own} of them yours` : '';
      chips.append(el('label', { class: a.own ? 'chip own' : 'chip', title: `${a.count} reference photo${a.count === 1 ? '' : 's'}${mine}` }, input, el('span', {}, a.name)));
    }
    box.append(el('fieldset', {}, el('legend', {}, title), chips));
  }
  const noun = $('noun');
  noun.length = 1;
  for (const n of v.nouns || []) noun.append(el('option', { value: n.name }, n.name));
  noun.value = state.noun;
  lock();
}

/** retrieve ranks the mood's references against the photo and preselects the best. */
export async function retrieve() {
  if (!state.adjective) return;
  $('refs-block').hidden = false;
  if (!state.photo || !state.ready) {
    if (!state.photo) say('ref-error', 'Choose your photo first: the references are ranked by how alike they are to it.');
    return;
  }
  say('ref-error');
  const id = ++seq;
  ranked = '';
  $('refs-heading').textContent = 'searching…';
  // The reference shown belongs to the mood or subject before: no run
  // starts with it while the new one's are ranked.
  if (!state.ownRef && !ownChosen) {
    chosen++;
    set({ reference: null });
  }
  try {
    // The subject the network sees in the photo ranks first, when it
    // comes in time (subject.js).
    await guessed(state.photo);
    if (id !== seq) return;
    const r = await engine.request('retrieve', { adjective: state.adjective, noun: state.noun, k: K, size: Number($('size').value) });
    if (id !== seq) return;
    debug.metrics.retrieval = r.ms;
    renderRefs(r.matches);
    // Not over one's own picture, even one still on its way.
    if (r.matches.length && !state.ownRef && !ownChosen) await choose(r.matches[0]);
  } catch (e) {
    if (id !== seq) return;
    heading();
    say('ref-error', e.message);
  }
}

/** match turns an SSIM of edge maps into the percentage the cards show: 0 for unrelated or opposite structure, 100 for identical. */
export function match(ssim) {
  return Math.round(100 * Math.max(0, Math.min(1, ssim)));
}

/** matchText says how alike a reference's structure is to the photo's: its percentage, or in words where that rounds to none (a bare 0% reads as a fault). */
export function matchText(ssim) {
  const pct = match(ssim);
  return pct > 0 ? `${pct}% structure match` : 'little structure in common';
}

/** source says what a run's look was borrowed from, in its status, notes and on the viewer: the mood and its reference, or one's own reference by name (the mood still chosen had no part in it). */
export function source(run) {
  return run.reference.own ? `your own reference: ${run.reference.own}` : `${run.adjective ? `“${run.adjective}”` : 'the mood'} from ${run.reference.label}`;
}

/** poor reports whether a reference's structure match is a poor one: below the engine's threshold (retrieval.PoorMatch). */
export function poor(ssim) {
  const pct = state.constants?.poorMatchPercent;
  return pct !== undefined && ssim * 100 < pct;
}

/** poorText says, in plain words, what a poor structure match means for the result. */
export function poorText(label, ssim) {
  return `${label} shares little of your photo’s structure (${matchText(ssim)}): the mood comes from a scene laid out differently, so it may sit less naturally. Another mood, or your own reference, may suit this photo better.`;
}

/** shortLicense is the licence's name without the catalog's notes on where it was read. */
export function shortLicense(l) {
  const s = (l || '').split(/\s*[(;]/)[0].trim();
  return s.length > 24 || !s ? 'see credits' : s;
}

function author(m) {
  return m.author && m.author !== '-' ? m.author : 'author not named';
}

// renderRefs shows the matches in the order the hint promises: those of
// the chosen subject first, then the others, each group best match first.
function renderRefs(matches) {
  const box = $('refs');
  box.textContent = '';
  const { adjective, noun } = state;
  const same = noun ? matches.filter((m) => m.noun === noun) : matches;
  const other = noun ? matches.filter((m) => m.noun !== noun) : [];
  const byMatch = (a, b) => b.ssim - a.ssim;
  same.sort(byMatch);
  other.sort(byMatch);
  if (!noun) ranked = `The ${matches.length} “${adjective}” photos whose structure best matches yours`;
  else if (!same.length) ranked = `No “${adjective}” photo of a ${noun} in the collection: the closest of other subjects`;
  else ranked = `“${adjective}” photos of a ${noun} first (${same.length}), then other subjects`;
  heading();
  const groups = noun && same.length && other.length ? [[`${noun}`, same], ['other subjects', other]] : [[null, [...same, ...other]]];
  let first = true;
  for (const [title, ms] of groups) {
    if (title) box.append(el('p', { class: 'ref-group' }, title));
    for (const m of ms) {
      box.append(card(m, first));
      first = false;
    }
  }
  lock(); // an answer that comes during a run gives locked cards
}

// heading says what the gallery shows and, while it is used, the user's
// own reference: a card chosen after it takes that line away.
function heading() {
  const own = state.ownRef ? `Using your own reference: ${state.ownRef.name}` : '';
  $('refs-heading').textContent = ranked && own ? `${ranked}. ${own}` : ranked || own;
  thumb(state.ownRef);
  // A poor match chosen is said where the choice is made, in plain words.
  const ref = state.reference;
  say('ref-poor', ref && !ref.own && poor(ref.ssim) ? poorText(`The reference chosen, ${ref.label},`, ref.ssim) : '');
}

// thumb shows the user's own reference beside its name, or nothing.
let thumbOf = null;
function thumb(file) {
  if (file === thumbOf) return;
  thumbOf = file;
  const img = $('own-thumb');
  if (img.src) URL.revokeObjectURL(img.src);
  img.removeAttribute('src');
  img.hidden = !file;
  if (file) {
    img.src = URL.createObjectURL(file);
    img.alt = `Your own reference, ${file.name}`;
  }
}

function card(m, best) {
  const weak = poor(m.ssim);
  const score = weak ? `${matchText(m.ssim)} — poor` : matchText(m.ssim);
  const lic = shortLicense(m.license);
  // One's own: the picture kept in this browser, the file it came from.
  const who = m.own ? `yours: ${m.file}` : `by ${author(m)}, ${lic}`;
  const input = el('input', { type: 'radio', name: 'ref', value: m.picture, 'aria-label': `${m.adjective} ${m.noun}, ${score}, ${who}` });
  if (best && !state.ownRef && !ownChosen) input.checked = true;
  input.addEventListener('change', () => choose(m));
  const attr = el('span', { class: 'attr' }, m.own ? `your photo · ${m.file}` : `${author(m)} · ${lic}`);
  const c = el('label', { class: `ref${weak ? ' poor' : ''}${m.own ? ' mine' : ''}`, title: m.description || '', 'data-ssim': m.ssim },
    input,
    // Not lazy: six thumbnails, and a gallery below the fold (a small
    // window, the subject's line above it) would wait for a scroll.
    el('img', { src: m.own ? pictureURL(m) : m.picture, alt: '', decoding: 'async' }),
    el('span', { class: 'score', title: 'How alike the outlines of this photo and yours are (edge-map SSIM, 0 to 100%)' }, score),
    el('span', {}, `${m.adjective} ${m.noun}`),
    attr);
  if (best) c.append(el('span', { class: 'best' }, 'closest'));
  if (m.own) c.append(el('span', { class: 'yours' }, 'yours'));
  return c;
}

async function choose(m) {
  say('ref-error');
  try {
    const label = m.own ? `your “${m.adjective}” ${m.file}` : `${m.adjective} ${m.noun}`;
    await give(async () => [m.own ? { own: m.picture } : { file: m.picture }], { file: m.picture, label, ssim: m.ssim, mine: !!m.own });
  } catch (e) {
    say('ref-error', e.message);
  }
}

async function useOwn(f) {
  say('ref-error');
  try {
    const own = await give(() => decodeOwn(f), { own: f.name, label: f.name }, f);
    if (!own) return;
    for (const r of document.querySelectorAll('input[name=ref]')) r.checked = false;
  } catch (err) {
    say('ref-error', err.message);
  }
}

// give hands the engine a reference and makes it the state's, if it is
// still the latest chosen once given; it reports whether it was. The
// requests go one at a time, so the engine ends with the latest whichever
// would be answered first (a card clicked while another loads, a mood
// changed while its reference comes). fields returns the request's
// fields and transferables; ownRef is the user's File, if it is theirs.
async function give(fields, reference, ownRef = null) {
  const id = ++chosen;
  ownChosen = !!ownRef;
  // A card takes the place of one's own picture at once: a photo taken
  // meanwhile then drops the reference, as the worker does.
  set(ownRef ? { reference: null } : { reference: null, ownRef: null });
  // The one before, if still downloading, is not wanted any more: it
  // would hold this one back for as long as its server takes.
  if (asking) engine.cancelReference();
  const turn = giving.then(async () => {
    if (id !== chosen) return;
    const [f, transfer = []] = await fields();
    asking = true;
    try {
      await engine.request('reference', f, transfer);
    } finally {
      asking = false;
    }
    given = { reference, ownRef, seq };
  });
  giving = turn.catch(() => {});
  try {
    await turn;
  } catch (e) {
    if (id !== chosen) return false;
    // A picture that could not be read or loaded never reached the
    // engine, which still has the one it was given last: that one is
    // chosen again, one's own picture always, a card only if no ranking
    // (of another mood, subject or photo) has begun since.
    const keep = given && (given.ownRef || given.seq === seq) ? given : null;
    ownChosen = !!keep?.ownRef;
    set({ ownRef: keep?.ownRef || null, reference: keep?.reference || null });
    for (const r of document.querySelectorAll('input[name=ref]')) r.checked = r.value === keep?.reference?.file;
    throw e;
  }
  if (id !== chosen) return false;
  set({ ownRef, reference });
  return true;
}

// decodeOwn returns the request's fields for the user's own picture f, or
// throws what is wrong with it.
async function decodeOwn(f) {
  const bm = await decode(f, 'reference');
  try {
    check(bm, f.name || 'the pasted reference', 'reference');
  } catch (e) {
    bm.close();
    throw e;
  }
  return [{ bitmap: bm }, [bm]];
}

/** restore gives a fresh worker the reference it had. */
export async function restore(ref) {
  if (ref?.file) await give(async () => [ref.mine ? { own: ref.file } : { file: ref.file }], ref);
  else if (state.ownRef) await give(() => decodeOwn(state.ownRef), ref, state.ownRef);
}
