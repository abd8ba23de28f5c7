// Checks of the page on a phone, run in the page by the phone tests of
// Chromium (phone.test.js) and WebKit (webkit.test.js): controls big
// enough for a thumb, no tiny text, Start in reach.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** PHONE is an iPhone's screen: 390 × 844 CSS px, touch. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** save writes a screenshot's PNG bytes as name.png in $SHOTS, if set. */
export function save(name, png) {
  if (!process.env.SHOTS) return;
  mkdirSync(process.env.SHOTS, { recursive: true });
  writeFileSync(path.join(process.env.SHOTS, `${name}.png`), png);
}

/** small lists the visible controls smaller than 44 × 44 CSS px (run in the page). */
export function small() {
  const bad = [];
  for (const e of document.querySelectorAll('button, summary, select, a[href], input[type=range], input[type=number], .chip span, .button-like, label.ref')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(e).visibility === 'hidden') continue;
    if (r.width < 44 || r.height < 44) bad.push(`${e.id || e.textContent.trim().slice(0, 30) || e.tagName} ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
  }
  return bad;
}

/** tiny lists the visible text set under 12 CSS px (run in the page). */
export function tiny() {
  const bad = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e.getClientRects().length || e.closest('[hidden], .visually-hidden, option')) continue;
    const px = parseFloat(getComputedStyle(e).fontSize);
    if (px < 12) bad.push(`“${n.textContent.trim().slice(0, 30)}” ${px.toFixed(1)} px`);
  }
  return bad;
}

/** reachable reports whether the Start button is on the screen and not covered, at the page's current scroll (run in the page). */
export function reachable() {
  const b = document.querySelector('#start');
  const r = b.getBoundingClientRect();
  if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit === b || b.contains(hit);
}
