// The stage: the photo before, the result after, and the split between
// them that a drag or the slider moves. Transparent parts of a photo are
// shown on white, as the JPEG download composites them.
import { $ } from './dom.js';
import { state, subscribe, debug } from './state.js';
import { drawOnWhite, pixelsOnWhite } from './white.js';

const before = $('before');
const after = $('after');
const stage = $('stage');

let generation = 0; // every drawing on the after canvas: a preview finishing late does not cover a newer one

/** showBefore draws the photo's display copy and hides any result. */
export function showBefore() {
  const s = state.screen;
  if (!s) return;
  $('placeholder').hidden = true;
  document.body.classList.add('has-photo');
  paint(before, s, s.width, s.height);
  before.hidden = false;
  hideAfter();
}

/** hideAfter takes the result or preview off the stage. */
export function hideAfter() {
  generation++;
  after.hidden = true;
  setCompare(false);
}

/** drawAfter shows rgba (w×h, alpha kept) over the photo, scaled to the display copy. */
export function drawAfter(rgba, w, h) {
  const s = state.screen;
  if (!s) return;
  generation++;
  const c = new OffscreenCanvas(w, h);
  c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), w, h), 0, 0);
  paint(after, c, s.width, s.height);
  after.hidden = false;
  setCompare(true);
}

// The photo's pixels at display size and at the preview's size, for
// drawPreview; made once per photo and preview size.
let sharp = null; // {screen, key, w, h, small}

/**
 * drawPreview shows a running transfer's working-size picture (w×h) with
 * the photo's own detail: the display copy plus the change the transfer
 * made, enlarged. The change is smooth, so enlarging it costs no
 * sharpness, where enlarging the picture itself would blur it.
 */
export async function drawPreview(rgba, w, h) {
  const s = state.screen;
  if (!s) return;
  const t = performance.now();
  const g = ++generation;
  if (sharp?.screen !== s) sharp = { screen: s, pixels: pixelsOnWhite(s, s.width, s.height) };
  if (sharp.w !== w || sharp.h !== h) {
    const small = await createImageBitmap(s, { resizeWidth: w, resizeHeight: h, resizeQuality: 'high' });
    Object.assign(sharp, { w, h, small: pixelsOnWhite(small, w, h) });
    small.close();
  }
  if (g !== generation) return;
  // The change, offset by 128 so that a canvas can hold and enlarge it.
  const change = new ImageData(w, h);
  for (let i = 0; i < change.data.length; i += 4) {
    for (let c = 0; c < 3; c++) change.data[i + c] = 128 + rgba[i + c] - sharp.small[i + c];
    change.data[i + 3] = 255;
  }
  const small = new OffscreenCanvas(w, h);
  small.getContext('2d').putImageData(change, 0, 0);
  const big = pixelsOnWhite(small, s.width, s.height);
  const out = new ImageData(s.width, s.height);
  for (let i = 0; i < out.data.length; i += 4) {
    for (let c = 0; c < 3; c++) out.data[i + c] = sharp.pixels[i + c] + big[i + c] - 128;
    out.data[i + 3] = 255;
  }
  after.width = s.width;
  after.height = s.height;
  after.getContext('2d').putImageData(out, 0, 0);
  after.hidden = false;
  setCompare(true);
  debug.metrics.previewMs = performance.now() - t;
}

/**
 * blendAfter draws result (state.result) at strength v at once, the
 * browser compositing: its keys are the look rendered at the strengths
 * the engine gave (blendAt, ascending, the whole look last), between two
 * of which (and from the photo, at 0, to the first) a rendering is linear
 * in the strength. So the blend is exact but where a rendering was
 * clipped, and the worker's exact one replaces it.
 */
export function blendAfter(result, v) {
  const s = state.screen;
  if (!s || !result?.keys?.length) return;
  const g = paint(after, s, s.width, s.height);
  const { width: w, height: h } = after;
  const { keys } = result;
  let k = keys.findIndex((key) => v <= key.at);
  if (k < 0) k = keys.length - 1;
  const from = k > 0 ? keys[k - 1].at : 0;
  if (k > 0) g.drawImage(keys[k - 1].bitmap, 0, 0, w, h);
  g.globalAlpha = (v - from) / (keys[k].at - from);
  g.drawImage(keys[k].bitmap, 0, 0, w, h);
  g.globalAlpha = 1;
}

// paint draws src on canvas at w×h over white, with the browser's best
// resampling (a small preview is enlarged smoothly, not in blocks).
function paint(canvas, src, w, h) {
  canvas.width = w;
  canvas.height = h;
  // Small photos are enlarged to the stage (style.css), aspect kept.
  stage.style.setProperty('--ratio', String(w / h));
  return drawOnWhite(canvas.getContext('2d'), src, w, h);
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
  // The tags sit on the picture's corners, however small it is.
  $('tag-before').style.left = `${c.left - s.left + 8}px`;
  $('tag-after').style.right = `${s.right - c.right + 8}px`;
  $('tag-before').style.top = $('tag-after').style.top = `${c.top - s.top + 8}px`;
  // A tag the divider has passed would lie on the other picture: it goes.
  const x = c.left + (c.width * v) / 100;
  $('tag-before').classList.toggle('passed', x < $('tag-before').getBoundingClientRect().right);
  $('tag-after').classList.toggle('passed', x > $('tag-after').getBoundingClientRect().left);
}

function splitAt(x) {
  const c = after.getBoundingClientRect();
  $('split').value = Math.round(Math.max(0, Math.min(1, (x - c.left) / c.width)) * 100);
  placeSplit();
}

/** init wires the split's slider and drag. */
export function init() {
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
  subscribe((changed) => {
    if (changed.has('screen')) showBefore();
  });
}
