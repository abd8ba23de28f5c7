// Photo in: the picker, drag and drop, paste; the browser decodes (EXIF
// orientation honoured) and the photo is refused at once, in plain words,
// if the engine could not take it.
import { $, say } from './dom.js';
import { fit } from './fit.js';
import { state, set, subscribe, locked } from './state.js';
import { queue } from './batch.js';

const SCREEN = 1280; // long side of the display copy that previews use
// The working size the photo is checked against: the smallest the
// settings offer, where a long, thin photo's short side is smallest.
const SMALLEST_WORK = 256;
// Formats every browser the page supports decodes; the picker offers these.
const TAKEN = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/avif': 'AVIF', 'image/gif': 'GIF', 'image/bmp': 'BMP' };
const TAKEN_LIST = 'JPEG, PNG, WebP, AVIF, GIF or BMP';
// Picture formats people meet that the page does not take, by type and extension.
const NOT_TAKEN = { 'image/svg+xml': 'an SVG drawing', 'image/heic': 'a HEIC photo', 'image/heif': 'a HEIF photo', 'image/tiff': 'a TIFF image', 'image/x-icon': 'an icon file', 'image/vnd.microsoft.icon': 'an icon file' };
const NOT_TAKEN_EXT = { svg: 'image/svg+xml', svgz: 'image/svg+xml', heic: 'image/heic', heif: 'image/heif', tif: 'image/tiff', tiff: 'image/tiff', ico: 'image/x-icon' };

const BUSY = 'A transfer is running: cancel it before choosing another photo.';
let engine;
let nextId = 1;
let taking = 0; // the latest photo taken: one taken before it and not yet sent is dropped
let sending = 0; // the latest photo sent to the worker, which keeps the last it gets
let held = null; // a photo taken while a replaced worker loads: taken once it is ready

/** accept is the picker's list of what the page takes. */
export const accept = [...Object.keys(TAKEN), '.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif', '.bmp'].join(',');

/** init wires the picker, drop and paste to eng. */
export function init(eng) {
  engine = eng;
  const input = $('photo-input');
  input.accept = accept;
  $('ref-input').accept = accept;
  input.addEventListener('change', () => {
    // Several photos at once are a batch (batch.js).
    if (input.files.length > 1) queue([...input.files]);
    else if (input.files[0]) take(input.files[0]);
    input.value = ''; // choosing the same file again still fires
  });
  subscribe((changed) => {
    if (changed.has('photo') && state.photo) info();
    // A photo taken while the engine loaded is taken once it is ready:
    // the one held during a replaced worker's load, else the one waiting
    // for the first load, unless a later one is still being read (it
    // goes on by itself).
    if (changed.has('ready') && state.ready) {
      const f = held || (!state.photo && !state.reading && state.file);
      held = null;
      if (f) take(f);
    }
    if (changed.has('running')) {
      input.disabled = locked();
      // The refusal of a photo during the run ends with the run.
      if (!locked() && $('photo-error').textContent === BUSY) say('photo-error');
    }
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
    const fs = [...e.dataTransfer.files];
    if (fs.length > 1 && !locked()) queue(fs);
    else if (fs[0]) take(fs[0]);
  });
  document.addEventListener('paste', (e) => {
    const f = [...(e.clipboardData?.files || [])][0];
    if (f) {
      e.preventDefault();
      take(f);
    }
  });
}

/** take makes file the photo, or says why it cannot be. */
export async function take(file) {
  if (locked()) {
    say('photo-error', BUSY);
    return;
  }
  say('photo-error');
  // A replaced worker is being given the photo from before: this one
  // follows it once the worker is ready, else it could be overtaken.
  if (state.constants && !state.ready) {
    held = file;
    waiting(file);
    return;
  }
  try {
    await setPhoto(file);
  } catch (e) {
    // Refused once the engine could take it: nothing waits any more.
    if (state.ready && !state.photo) set({ file: null });
    say('photo-error', e.message);
    info(); // not the refused one's name, if it was waiting
  }
}

// info names the photo the page has, with its size (or one waiting for
// the engine's first load).
function info() {
  if (!state.photo) return state.file ? waiting(state.file) : say('photo-info');
  const { name, w, h } = state.photo;
  say('photo-info', `${name} — ${w} × ${h} px (${((w * h) / 1e6).toFixed(1)} MP)`);
}

// waiting names a photo taken before the engine can take it: else nothing
// would show it was taken until then.
function waiting(file) {
  say('photo-info', `${file.name || 'pasted image'} — shown once the engine has loaded`);
}

/**
 * setPhoto decodes file, checks it against the engine's limits, keeps a
 * display copy here and hands the full-size bitmap to the worker
 * (transferred, not copied). Before the engine's first load it only keeps
 * the file, which is taken once the engine is ready.
 */
export async function setPhoto(file) {
  const id = ++taking;
  // A photo taken meanwhile is the user's choice: this one gives way, its
  // errors too.
  const overtaken = () => id !== taking;
  let bitmap = null;
  let screen = null;
  // Start waits for it: a run started meanwhile would take the photo
  // before, and this one would reach the worker during the run.
  set({ reading: true });
  try {
    bitmap = await decode(file, 'photo');
    if (overtaken()) return;
    if (!state.constants) {
      set({ file });
      waiting(file);
      return;
    }
    check(bitmap, file.name || 'the pasted photo');
    const { width: w, height: h } = bitmap;
    const [sw, sh] = fit(w, h, SCREEN);
    screen = await createImageBitmap(bitmap, { resizeWidth: sw, resizeHeight: sh, resizeQuality: 'high' });
    if (overtaken()) return;
    if (locked()) throw new Error(BUSY);
    const full = bitmap;
    bitmap = null; // the worker's now
    const sent = ++sending;
    await engine.request('photo', { bitmap: full, screenW: sw, screenH: sh }, [full]);
    // One sent after it is the worker's photo (it takes them in order); one
    // taken after it but refused is not.
    if (sent !== sending) return;
    state.screen?.close();
    set({
      file,
      screen,
      photo: { id: nextId++, name: file.name || 'pasted image', w, h },
      reference: state.ownRef ? state.reference : null,
      result: null,
    });
    screen = null;
  } catch (e) {
    if (!overtaken()) throw e;
  } finally {
    bitmap?.close();
    screen?.close();
    if (!overtaken()) set({ reading: false });
  }
}

/** resend gives a fresh worker the photo the page has; the page's state stays as it is. */
export async function resend() {
  const bitmap = await decode(state.file, 'photo');
  const [sw, sh] = fit(bitmap.width, bitmap.height, SCREEN);
  await engine.request('photo', { bitmap, screenW: sw, screenH: sh }, [bitmap]);
}

/** check throws a plain-words error if the engine could not take a photo (or, what, a reference) of bitmap's size. */
export function check(bitmap, name, what = 'photo') {
  const { minSide, maxSide, maxPixels, maxAspect } = state.constants;
  const { width: w, height: h } = bitmap;
  if (w * h > maxPixels) {
    throw new Error(`“${name}” has ${((w * h) / 1e6).toFixed(0)} megapixels; this page handles up to ${maxPixels / 1e6}. Scale it down first.`);
  }
  if (Math.max(w, h) > maxSide) {
    throw new Error(`“${name}” is ${w} × ${h} pixels; browsers cannot draw an image more than ${maxSide} pixels wide or high. Scale it down first.`);
  }
  if (Math.max(w, h) > maxAspect * Math.min(w, h)) {
    throw new Error(`“${name}” is ${w} × ${h} pixels, too long and thin: this page takes photos up to ${maxAspect} times as long as they are wide. Crop it first.`);
  }
  const [ww, wh] = fit(w, h, SMALLEST_WORK);
  if (Math.min(w, h) < minSide || Math.min(ww, wh) < minSide) {
    const why = Math.min(w, h) < minSide
      ? `it needs at least ${minSide} pixels on each side`
      : `it is too long and thin: scaled to ${SMALLEST_WORK} pixels on its long side for the transfer, its short side would be under ${minSide}`;
    const use = what === 'photo' ? 'give a mood to' : 'borrow a mood from';
    throw new Error(`“${name}” is ${w} × ${h} pixels, too small to ${use}: ${why}. Choose a larger ${what}.`);
  }
}

/** decode turns a file into a bitmap with the browser's decoder, or throws an error that says what is wrong with the file. */
export async function decode(file, what) {
  const name = file.name || `pasted ${what}`;
  if (file.size === 0) throw new Error(`“${name}” is empty (0 bytes).`);
  const ext = (file.name || '').split('.').pop().toLowerCase();
  const type = file.type || NOT_TAKEN_EXT[ext] || '';
  if (NOT_TAKEN[type]) throw new Error(`“${name}” is ${NOT_TAKEN[type]}, a format this page does not take. Choose a ${TAKEN_LIST} image.`);
  if (type && !type.startsWith('image/')) {
    const kind = type.startsWith('text/') ? 'a text file' : `a ${type} file`;
    throw new Error(`“${name}” is ${kind}, not a picture. Choose a ${TAKEN_LIST} image.`);
  }
  if (type && !TAKEN[type]) throw new Error(`“${name}” is a ${type.replace('image/', '').toUpperCase()} image, a format this page does not take. Choose a ${TAKEN_LIST} image.`);
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch {
    const kind = TAKEN[type] ? `${TAKEN[type]} image` : 'picture';
    throw new Error(`“${name}” could not be read as a ${kind}: the file is damaged or incomplete.`);
  }
}
