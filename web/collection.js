// Your own moods: photos a user adds to the collection — a folder (each
// subfolder a mood, or "a mood and a subject"), or several photos with a
// mood word — kept in this browser only (the worker's own-store.js),
// ranked with the shipped references and marked as theirs, removable one
// by one or all at once, and exported or imported as one collection file.
import { $, el, mb, say } from './dom.js';
import { accept } from './photo.js';
import { retrieve } from './moods.js';
import { save } from './result.js';
import { state, set, subscribe, locked } from './state.js';

let engine;
let urls = []; // the object URLs of the list's thumbnails
let staging = null; // [{name, files}]: the groups waiting for their mood words
const thumbs = new Map(); // key → object URL of a card's picture

/** init wires the collection's controls to eng. */
export function init(eng) {
  engine = eng;
  $('own-files').accept = accept;
  $('own-files').addEventListener('change', (e) => pick(e.target));
  $('own-folder').addEventListener('change', (e) => pick(e.target));
  $('own-import').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    e.target.value = '';
    if (f) await request('importOwn', { file: f }, `Reading ${f.name}…`);
  });
  $('own-export').addEventListener('click', exportAll);
  $('own-clear').addEventListener('click', () => {
    if (confirm(`Remove all ${state.own?.refs.length} of your references from this browser?`)) request('removeOwn', { all: true }, 'Removing…');
  });
  $('own-stage').addEventListener('submit', (e) => {
    e.preventDefault();
    add();
  });
  $('own-stage-cancel').addEventListener('click', () => stage(null));
  const box = $('own');
  box.addEventListener('dragover', (e) => {
    e.preventDefault();
    e.stopPropagation(); // not a new photo
    box.classList.add('over');
  });
  box.addEventListener('dragleave', () => box.classList.remove('over'));
  box.addEventListener('drop', async (e) => {
    e.preventDefault();
    e.stopPropagation();
    box.classList.remove('over');
    box.open = true;
    stage(await dropped(e.dataTransfer));
  });
  subscribe((changed) => {
    if (changed.has('ready') && state.ready) request('own');
    if (changed.has('running') || changed.has('ready')) lock();
  });
}

/** onEvent shows the worker's progress through the pictures, and a vocabulary it renewed. */
export function onEvent(m) {
  if (m.preparing) {
    const p = m.preparing;
    $('own-status').textContent = p.done < p.total ? `Preparing your pictures: ${p.done + 1} of ${p.total} (${p.name})…` : '';
  }
  if (m.vocabulary) set({ vocabulary: m.vocabulary });
}

/** pictureURL returns the address of an own reference's picture for its card, kept while it is in the collection. */
export function pictureURL(m) {
  if (!thumbs.has(m.picture) && m.blob) thumbs.set(m.picture, URL.createObjectURL(m.blob));
  return thumbs.get(m.picture) || '';
}

function lock() {
  const busy = locked() || !state.ready;
  for (const id of ['own-files', 'own-folder', 'own-import']) $(id).disabled = busy;
  const none = !state.own?.refs.length;
  $('own-export').disabled = busy || none;
  $('own-clear').disabled = busy || none;
}

// pick stages the files of a picker (several photos, or a folder).
function pick(input) {
  const files = [...input.files];
  input.value = '';
  stage(group(files.map((f) => [f, f.webkitRelativePath || f.name])));
}

// group sorts [file, path] pairs into groups by folder: a folder's name
// gives its mood (and subject: "misty lake"), loose photos one group.
function group(pairs) {
  const groups = new Map();
  for (const [f, path] of pairs) {
    if (!/\.(jpe?g|png|webp|avif|gif|bmp)$/i.test(f.name) || f.name.startsWith('.')) continue;
    const parts = path.split('/');
    const folder = parts.length > 1 ? parts[parts.length - 2] : '';
    if (!groups.has(folder)) groups.set(folder, []);
    groups.get(folder).push(f);
  }
  return [...groups].map(([name, files]) => ({ name, files }));
}

// dropped returns the groups of what was dropped: files, and folders
// walked through.
async function dropped(dt) {
  const pairs = [];
  const walk = async (entry, path) => {
    if (entry.isFile) {
      pairs.push([await new Promise((res, rej) => entry.file(res, rej)), path + entry.name]);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, `${path}${entry.name}/`);
      }
    }
  };
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length) for (const e of entries) await walk(e, '');
  else for (const f of dt.files) pairs.push([f, f.name]);
  return group(pairs);
}

// stage shows the groups waiting for their mood words, or hides the form.
function stage(groups) {
  say('own-error');
  staging = groups?.length ? groups : null;
  const form = $('own-stage');
  const box = $('own-groups');
  box.textContent = '';
  form.hidden = !staging;
  if (groups && !groups.length) say('own-error', 'No photos there: the page takes JPEG, PNG, WebP, AVIF, GIF and BMP.');
  if (!staging) return;
  const nouns = $('own-nouns');
  nouns.textContent = '';
  for (const n of state.vocabulary?.nouns || []) nouns.append(el('option', { value: n.name }));
  staging.forEach((g, i) => {
    const [mood, ...subject] = g.name.trim().split(/\s+/);
    const title = g.name ? `${g.name}/ — ${g.files.length} photo${g.files.length === 1 ? '' : 's'}` : `${g.files.length} photo${g.files.length === 1 ? '' : 's'}`;
    box.append(el('fieldset', { class: 'own-group' }, el('legend', {}, title),
      el('label', { class: 'field' }, 'Mood word', el('input', { name: `mood-${i}`, required: '', maxlength: '40', value: mood || '', placeholder: 'such as dreamy' })),
      el('label', { class: 'field' }, 'What they show ', el('span', { class: 'opt' }, '(optional)'), el('input', { name: `subject-${i}`, list: 'own-nouns', maxlength: '40', value: subject.join(' '), placeholder: 'such as lake' }))));
  });
  const n = staging.reduce((s, g) => s + g.files.length, 0);
  $('own-add').textContent = `Add ${n} photo${n === 1 ? '' : 's'} to your moods`;
  form.querySelector('input')?.focus();
}

// add sends the staged photos with their words to the worker.
async function add() {
  const form = $('own-stage');
  const items = staging.flatMap((g, i) => g.files.map((file) => ({ file, adjective: form.elements[`mood-${i}`].value, noun: form.elements[`subject-${i}`].value })));
  stage(null);
  await request('addOwn', { items }, `Preparing your pictures…`);
}

// request asks the worker for a change of the collection and shows the
// outcome: the list, the vocabulary, or the problems that held it.
async function request(type, fields = {}, busy = '') {
  say('own-error');
  $('own-problems').hidden = true;
  if (busy) $('own-status').textContent = busy;
  try {
    const r = await engine.request(type, fields);
    show(r);
    if (r.problems) problems(r);
    else if (r.added !== undefined) $('own-status').textContent = r.added ? `Added ${r.added} picture${r.added === 1 ? '' : 's'} to your moods. They are kept in this browser only.` : 'Nothing was added.';
    else $('own-status').textContent = '';
    if (r.vocabulary) {
      set({ vocabulary: r.vocabulary });
      retrieve();
    }
  } catch (e) {
    $('own-status').textContent = '';
    say('own-error', e.message);
  }
}

// problems lists what cannot be added, and offers to add the rest.
function problems(r) {
  const box = $('own-problems');
  box.hidden = false;
  box.textContent = '';
  const list = el('ul');
  for (const p of r.problems) list.append(el('li', {}, `${p.name}: ${p.why}`));
  const rest = r.staged;
  box.append(el('p', {}, `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: nothing was added yet.`), list);
  const yes = el('button', { type: 'button', class: 'primary' }, `Add the ${rest} other${rest === 1 ? '' : 's'}`);
  const no = el('button', { type: 'button' }, 'Add nothing');
  yes.disabled = !rest;
  yes.addEventListener('click', () => request('commitOwn', {}, 'Keeping your pictures…'));
  no.addEventListener('click', () => request('discardOwn'));
  box.append(el('div', { class: 'buttons' }, yes, no));
  $('own-status').textContent = '';
}

// show draws the list of one's references, by mood, each removable.
function show(r) {
  set({ own: { refs: r.refs, bytes: r.bytes, problem: r.problem } });
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
  for (const [k, u] of thumbs) if (!r.refs.some((x) => x.key === k)) { URL.revokeObjectURL(u); thumbs.delete(k); }
  const box = $('own-list');
  box.textContent = '';
  const n = r.refs.length;
  $('own-count').textContent = n ? `(${n})` : '';
  $('own-summary').textContent = n ? `${n} picture${n === 1 ? '' : 's'} of your own, ${mb(r.bytes)} in this browser.` : 'None yet.';
  if (r.problem) say('own-error', r.problem);
  const moods = new Map();
  for (const x of r.refs) {
    if (!moods.has(x.adjective)) moods.set(x.adjective, []);
    moods.get(x.adjective).push(x);
  }
  for (const [mood, refs] of moods) {
    const ul = el('ul', { class: 'own-refs' });
    for (const x of refs) {
      const u = URL.createObjectURL(x.picture);
      urls.push(u);
      const rm = el('button', { type: 'button', class: 'own-remove', 'aria-label': `Remove ${x.file} (${mood})` }, '×');
      rm.addEventListener('click', () => request('removeOwn', { keys: [x.key] }, 'Removing…'));
      ul.append(el('li', { title: x.noun ? `${mood} ${x.noun}` : mood }, el('img', { src: u, alt: '' }), el('span', {}, x.file), rm));
    }
    box.append(el('h4', {}, `${mood} (${refs.length})`), ul);
  }
  lock();
}

async function exportAll() {
  say('own-error');
  try {
    const r = await engine.request('exportOwn');
    save(r.blob, 'my-moods.zip');
    $('own-status').textContent = `Saved your ${r.count} references as my-moods.zip (${mb(r.blob.size)}): import it here in another browser, or use it with sentiment -index.`;
  } catch (e) {
    say('own-error', e.message);
  }
}
