// The page as a person meets it, in a real headless Chromium: loading,
// getting a photo in (picker, drop, paste), clear messages for bad files,
// too small photos and formats the page does not take, the collection's
// moods, the promise that nothing is uploaded (each test checks its own
// network log), and a second visit that downloads nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SITE, assetPath, launch, open, ready, imageSize, noUpload, png } from './helpers.js';

const photo = assetPath('inputs/kodim16.jpg');
const photoBytes = readFileSync(photo);
const { w: W, h: H } = imageSize(photoBytes);
let browser;

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
  assert.match(await page.textContent('#privacy'), /never uploaded, and nothing of yours is kept/);
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
  // The privacy line says what is kept, with the site's own figures.
  await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 60_000 });
  const kept = big.reduce((n, f) => n + f.size, 0);
  const refs = site.index ? (await (await fetch(new URL('refs/attribution.json', SITE))).json()).length : 0;
  const mb = kept < 1e6 ? `${(kept / 1e3).toFixed(0)} kB` : `${(kept / 1e6).toFixed(1)} MB`;
  assert.match(await page.textContent('#privacy'), new RegExp(`keeps this page, its engine, model and reference index \\(${mb.replace('.', '\\.')}\\) and the ${refs} reference pictures, for offline use\\. It now works without a connection \\(\\d+(\\.\\d)? MB stored in all\\)\\.`));
  await page.settle();
  noUpload(first);
  await context.close();
});

test('a photo chosen before the engine has loaded says it is taken, and is shown once it has', async () => {
  // early opens a fresh page whose engine download is held back until
  // release, and chooses file there.
  async function early(file) {
    const { context, page } = await open(browser);
    let release;
    const held = new Promise((r) => { release = r; });
    await context.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(SITE);
    await page.setInputFiles('#photo-input', file);
    await page.waitForSelector('#photo-info:not([hidden])');
    assert.ok(await page.isHidden('#engine.ready'));
    return { context, page, release };
  }
  let { context, page, release } = await early(photo);
  assert.equal(await page.textContent('#photo-info'), 'kodim16.jpg — shown once the engine has loaded');
  // A damaged one after it is refused at once; the one before still waits.
  const corrupt = Buffer.from(photoBytes);
  corrupt.fill(0x5a, 2, 2000);
  await page.setInputFiles('#photo-input', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: corrupt });
  await page.waitForSelector('#photo-error:not([hidden])');
  assert.equal(await page.textContent('#photo-info'), 'kodim16.jpg — shown once the engine has loaded');
  release();
  await page.waitForFunction(() => / px /.test(document.querySelector('#photo-info').textContent), null, { timeout: 120_000 });
  assert.equal((await page.textContent('#photo-info')).split(' (')[0], `kodim16.jpg — ${W} × ${H} px`);
  assert.deepEqual(page.errors || [], []);
  await context.close();
  // One too small for the engine: refused once it has loaded, not named as taken.
  ({ context, page, release } = await early({ name: 'dot.png', mimeType: 'image/png', buffer: png(1, 1) }));
  release();
  await page.waitForSelector('#photo-error:not([hidden])', { timeout: 120_000 });
  assert.match(await page.textContent('#photo-error'), /“dot\.png” is 1 × 1 pixels, too small/);
  assert.ok(await page.isHidden('#photo-info'), 'the refused photo is still named as taken');
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a photo comes in by the file picker, by drag and drop and by pasting', async () => {
  const log = [];
  const { context, page } = await open(browser, log);
  await ready(page);
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  assert.equal((await page.textContent('#photo-info')).split(' (')[0], `kodim16.jpg — ${W} × ${H} px`);
  assert.ok(await page.isVisible('#before'), 'the photo is not shown');
  const { w, h } = await page.$eval('#before', (c) => ({ w: c.width, h: c.height }));
  assert.deepEqual([w, h], [W, H]);
  // A photo smaller than the stage is enlarged to it, aspect kept.
  const shown = await page.$eval('#before', (c) => c.getBoundingClientRect().toJSON());
  const stage = await page.$eval('#stage', (c) => c.getBoundingClientRect().toJSON());
  assert.ok(shown.width > W && shown.width >= stage.width - 4, `shown ${shown.width} px wide in a stage of ${stage.width}`);
  assert.ok(Math.abs(shown.width / shown.height - W / H) < 0.01, 'aspect changed');

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
  await page.settle();
  noUpload(log);
  await context.close();
});

test('the last photo chosen is the one taken, however long the one before takes to read', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  // A large photo is slow to scale for the screen: here the first, by 1.5
  // s. The worker's answers to photos are counted.
  await page.evaluate(() => {
    const scale = window.createImageBitmap;
    let first = null;
    window.createImageBitmap = async (src, ...a) => {
      const b = await scale(src, ...a);
      if (src?.name === 'first.jpg') first = b;
      else if (src === first) {
        await new Promise((r) => setTimeout(r, 1500));
        window.firstScaled = true;
      }
      return b;
    };
    // With hold, the next photo reaches the worker 1.5 s late.
    window.photos = { sent: 0, answered: 0, hold: false };
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (m, t) {
      if (m?.type !== 'photo') return post.call(this, m, t);
      window.photos.sent++;
      this.addEventListener('message', (e) => { if (e.data.id === m.id) window.photos.answered++; });
      if (!window.photos.hold) return post.call(this, m, t);
      window.photos.hold = false;
      setTimeout(() => post.call(this, m, t), 1500);
    };
  });
  await page.setInputFiles('#photo-input', { name: 'first.jpg', mimeType: 'image/jpeg', buffer: photoBytes });
  await page.setInputFiles('#photo-input', { name: 'second.jpg', mimeType: 'image/jpeg', buffer: photoBytes });
  await page.waitForFunction(() => document.querySelector('#photo-info').textContent.startsWith('second.jpg'));
  // Once the first is scaled, and whatever it sent the worker answered:
  await page.waitForFunction(() => window.firstScaled && window.photos.answered === window.photos.sent);
  assert.match(await page.textContent('#photo-info'), /^second\.jpg/);
  // A photo refused while the one before it is on its way to the worker:
  // that one is the photo, on the page as in the worker.
  await page.evaluate(() => { window.photos.hold = true; });
  await page.setInputFiles('#photo-input', { name: 'third.jpg', mimeType: 'image/jpeg', buffer: photoBytes });
  await page.waitForFunction(() => window.photos.sent === 2);
  await page.setInputFiles('#photo-input', { name: 'dot.png', mimeType: 'image/png', buffer: png(1, 1) });
  await page.waitForSelector('#photo-error:not([hidden])');
  await page.waitForFunction(() => window.photos.answered === window.photos.sent);
  assert.match(await page.textContent('#photo-info'), /^third\.jpg/);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('EXIF orientation is honoured', async () => {
  const { context, page } = await open(browser);
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

test('bad files, too small photos and formats the page does not take get clear messages; the page stays usable', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  // A JPEG whose header survives but whose frame header is garbage.
  const corrupt = Buffer.from(photoBytes);
  corrupt.fill(0x5a, 2, 2000);
  const cases = [
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: corrupt, want: /“broken\.jpg” could not be read as a JPEG image: the file is damaged/ },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo\n'), want: /“notes\.txt” is a text file, not a picture/ },
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0), want: /“empty\.png” is empty/ },
    { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"/>'), want: /“logo\.svg” is an SVG drawing, a format this page does not take\. Choose a JPEG, PNG/ },
    { name: 'dot.png', mimeType: 'image/png', buffer: png(1, 1), want: /“dot\.png” is 1 × 1 pixels, too small to give a mood to: it needs at least 16 pixels on each side/ },
    { name: 'line.png', mimeType: 'image/png', buffer: png(2000, 40), want: /“line\.png” is 2000 × 40 pixels, too long and thin: this page takes photos up to 16 times as long as they are wide/ },
  ];
  for (const c of cases) {
    await page.setInputFiles('#photo-input', { name: c.name, mimeType: c.mimeType, buffer: c.buffer });
    await page.waitForSelector('#photo-error:not([hidden])');
    assert.match(await page.textContent('#photo-error'), c.want);
    assert.equal(await page.getAttribute('#photo-error', 'role'), 'alert');
    assert.ok(await page.isHidden('#photo-info'), `${c.name} was taken`);
  }
  // The refused photos ranked no references: no photo reached the engine.
  await page.click('label.chip:has(input[value=misty])');
  assert.match(await page.textContent('#ref-error'), /Choose your photo first/);
  // The picker offers what the page takes, and no SVG.
  const accept = await page.getAttribute('#photo-input', 'accept');
  assert.match(accept, /image\/jpeg/);
  assert.doesNotMatch(accept, /svg|image\/\*/);
  // Still usable: a good photo replaces the message.
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  assert.match(await page.textContent('#photo-info'), new RegExp(`${W} × ${H}`));
  assert.ok(await page.isHidden('#photo-error'), 'the old message stayed');
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('the controls are labelled and reachable by keyboard', async () => {
  const { context, page } = await open(browser);
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

test('the moods on the page are the collection’s, with its polarity', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  const refs = await (await fetch(new URL('refs/attribution.json', SITE))).json();
  const polarity = Object.fromEntries(refs.map((r) => [r.adjective, r.polarity]));
  const chips = await page.$$eval('#moods input[name=mood]', (is) => is.map((i) => [i.value, i.dataset.polarity]));
  assert.deepEqual(Object.fromEntries(chips), polarity);
  const tagline = (await page.textContent('#tagline-moods')).split(', ');
  assert.ok(tagline.length >= 2, `tagline: ${tagline}`);
  for (const m of tagline) assert.ok(m in polarity, `the tagline offers “${m}”, which is no mood of the collection`);
  await context.close();
});
