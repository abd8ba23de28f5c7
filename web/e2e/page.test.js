// The page as a person meets it, in a real headless Chromium: loading,
// getting a photo in (picker, drop, paste), clear messages for bad files,
// the promise that nothing is uploaded, and a second visit that downloads
// nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SITE, assetPath, launch, open, ready, imageSize } from './helpers.js';

const photo = assetPath('inputs/kodim16.jpg');
const photoBytes = readFileSync(photo);
const { w: W, h: H } = imageSize(photoBytes);
let browser;
const log = []; // every request of every page in this file

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('first visit: the engine loads, the page says nothing is uploaded, a reload downloads nothing again', async () => {
  const first = [];
  const { context, page } = await open(browser, first);
  await ready(page);
  assert.match(await page.textContent('#privacy'), /never uploaded/);
  assert.match(await page.textContent('#engine-text'), /stored on this device/);
  await page.settle();
  const site = await (await fetch(new URL('site.json', SITE))).json();
  // Only the default (first) network's weights: the others when chosen.
  const big = [site.engine, site.index, site.backbones[0]?.weights].filter(Boolean);
  for (const f of big) {
    assert.ok(first.some((r) => r.url.endsWith('/' + f.url)), `first visit did not fetch ${f.url}`);
  }
  for (const b of site.backbones.slice(1)) {
    assert.ok(!first.some((r) => r.url.endsWith('/' + b.weights.url)), `first visit fetched ${b.weights.url}`);
  }

  const second = [];
  context.on('requestfinished', (req) => second.push(req.url()));
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  assert.match(await page.textContent('#engine-text'), /nothing was downloaded/);
  for (const f of big) {
    assert.ok(!second.some((u) => u.endsWith('/' + f.url)), `the reload fetched ${f.url} again: ${second.join(', ')}`);
  }
  log.push(...first);
  await context.close();
});

test('a photo comes in by the file picker, by drag and drop and by pasting', async () => {
  const { context, page } = await open(browser, log);
  await ready(page);
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  assert.equal((await page.textContent('#photo-info')).split(' (')[0], `kodim16.jpg — ${W} × ${H} px`);
  assert.ok(await page.isVisible('#before'), 'the photo is not shown');
  const { w, h } = await page.$eval('#before', (c) => ({ w: c.width, h: c.height }));
  assert.deepEqual([w, h], [W, H]);

  // Drop and paste deliver a File the way the browser does.
  for (const how of ['drop', 'paste']) {
    const name = `${how}.jpg`;
    await page.evaluate(async ({ how, name, b64 }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
      if (how === 'drop') {
        document.querySelector('#drop').dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      } else {
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }
    }, { how, name, b64: photoBytes.toString('base64') });
    await page.waitForFunction((n) => document.querySelector('#photo-info').textContent.startsWith(n), name);
  }
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('EXIF orientation is honoured', async () => {
  const { context, page } = await open(browser, log);
  await ready(page);
  // An APP1 segment saying "rotate 90° clockwise to display" (orientation
  // 6), put right after the JPEG's start marker.
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, // Orientation SHORT 6
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  const rotated = Buffer.concat([photoBytes.subarray(0, 2), app1, photoBytes.subarray(2)]);
  await page.setInputFiles('#photo-input', { name: 'rotated.jpg', mimeType: 'image/jpeg', buffer: rotated });
  await page.waitForFunction(() => document.querySelector('#photo-info').textContent.startsWith('rotated.jpg'));
  assert.equal((await page.textContent('#photo-info')).split(' (')[0], `rotated.jpg — ${H} × ${W} px`);
  await context.close();
});

test('a corrupt JPEG and a text file get clear messages and the page stays usable', async () => {
  const { context, page } = await open(browser, log);
  await ready(page);
  // A JPEG whose header survives but whose frame header is garbage.
  const corrupt = Buffer.from(photoBytes);
  corrupt.fill(0x5a, 2, 2000);
  const cases = [
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: corrupt, want: /“broken\.jpg” could not be read as a JPEG image: the file is damaged/ },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo\n'), want: /“notes\.txt” is a text file, not a picture/ },
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0), want: /“empty\.png” is empty/ },
  ];
  for (const c of cases) {
    await page.setInputFiles('#photo-input', { name: c.name, mimeType: c.mimeType, buffer: c.buffer });
    await page.waitForSelector('#photo-error:not([hidden])');
    assert.match(await page.textContent('#photo-error'), c.want);
    assert.equal(await page.getAttribute('#photo-error', 'role'), 'alert');
  }
  // Still usable: a good photo replaces the message.
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  assert.match(await page.textContent('#photo-info'), new RegExp(`${W} × ${H}`));
  assert.ok(await page.isHidden('#photo-error'), 'the old message stayed');
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('the controls are labelled and reachable by keyboard', async () => {
  const { context, page } = await open(browser, log);
  await ready(page);
  // Every form control has an accessible name.
  const unnamed = await page.$$eval('input, select, button, progress', (els) => els
    .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(unnamed, []);
  // Tab from the top reaches the photo picker.
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab');
  let focused = '';
  for (let i = 0; i < 6 && focused !== 'photo-input'; i++) {
    focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== 'photo-input') await page.keyboard.press('Tab');
  }
  assert.equal(focused, 'photo-input');
  await context.close();
});

test('no request carries image data: only GETs of the site, no bodies', async () => {
  assert.ok(log.length > 5, `only ${log.length} requests were logged`);
  const origin = new URL(SITE).origin;
  for (const r of log) {
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    assert.ok(!r.postData || r.postData.length === 0, `${r.url} carried a body`);
    const u = new URL(r.url);
    assert.equal(u.origin, origin, `request to another origin: ${r.url}`);
    assert.equal(u.search, '', `request with a query: ${r.url}`);
  }
});
