// The page on a phone: a 390 × 844 touch screen in headless Chromium (an
// iPhone's size), every control big enough for a thumb, no tiny text,
// "Transfer the mood" in reach wherever the page is scrolled, and the
// focus on the outcome when a run ends. SHOTS=folder saves screenshots of
// each step there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assetPath, imageSize, launch, open, patchWorker, png, ready } from './helpers.js';
import { PHONE, reachable, save, small, tiny } from './phone.js';

const photo = assetPath('inputs/kodim16.jpg');
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// shot saves a screenshot of page as name.png in $SHOTS, if set.
async function shot(page, name) {
  if (process.env.SHOTS) save(name, await page.screenshot());
}

test('phone: thumb-sized controls, no tiny text, “Transfer the mood” in reach once references show, focus on the result when done', async () => {
  const context = await browser.newContext(PHONE);
  const { page } = await open(context);
  try {
    await ready(page);
    assert.ok(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'not a touch screen');
    await shot(page, 'phone-1-ready');
    assert.deepEqual(await page.evaluate(small), []);
    assert.deepEqual(await page.evaluate(tiny), []);

    await page.setInputFiles('#photo-input', photo);
    await page.waitForSelector('#photo-info:not([hidden])');
    const mood = await page.$eval('#moods input[name=mood]', (i) => i.value);
    await page.tap(`label.chip:has(input[value=${mood}])`);
    await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].length > 0 && [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0));
    await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
    // The references shown: Start in reach at the cards, at the top and at the bottom of the page.
    await page.$eval('#refs', (e) => e.scrollIntoView({ block: 'center' }));
    await shot(page, 'phone-2-references');
    assert.ok(await page.evaluate(reachable), 'Start is not in reach beside the references');
    await page.evaluate(() => scrollTo(0, 0));
    assert.ok(await page.evaluate(reachable), 'Start is not in reach at the top of the page');
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    assert.ok(await page.evaluate(reachable), 'Start is not in reach at the bottom of the page');
    // Nothing at the bottom of the page is hidden under the bar.
    const under = await page.evaluate(() => {
      const bar = document.querySelector('.actions').getBoundingClientRect();
      const last = document.querySelector('.foot').getBoundingClientRect();
      return last.bottom - bar.top;
    });
    assert.ok(under <= 0, `the page's end lies ${under} px under the action bar`);
    assert.deepEqual(await page.evaluate(small), []);
    assert.deepEqual(await page.evaluate(tiny), []);

    await page.tap('.settings summary');
    await page.fill('#iterations', '3');
    await page.tap('#start');
    await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 120_000 });
    // The focus is on the result (its heading), not lost on the page.
    await page.waitForFunction(() => document.activeElement?.id === 'result-h');
    await page.$eval('#stage', (e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, 'phone-3-result');
    await page.$eval('#result-step', (e) => e.scrollIntoView({ block: 'end' }));
    await shot(page, 'phone-4-downloads');
    assert.deepEqual(await page.evaluate(small), []);
    assert.deepEqual(await page.evaluate(tiny), []);

    // A cancelled run leaves the focus on its status.
    await page.fill('#iterations', '200');
    await page.tap('#start');
    await page.waitForFunction(() => /Iteration [1-9]/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
    await page.tap('#cancel');
    await page.waitForFunction(() => /^Cancelled/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'run-text');
  } finally {
    await context.close();
  }
});

test('an iPhone’s 48 MP photo where a canvas holds at most 16.7 MP (iOS Safari): taken, transferred, and saved at the largest size the browser can make, said so', async () => {
  const context = await browser.newContext({ ...PHONE, acceptDownloads: true, serviceWorkers: 'block' });
  // iOS Safari's limit: a canvas of more than 4096² pixels gives no context.
  await patchWorker(context, `{
    const get = OffscreenCanvas.prototype.getContext;
    OffscreenCanvas.prototype.getContext = function (...a) { return this.width * this.height > 4096 * 4096 ? null : get.apply(this, a); };
  }`);
  const { page } = await open(context);
  try {
    await ready(page);
    const [W, H] = [8064, 6048]; // an iPhone's 48 MP
    await page.setInputFiles('#photo-input', { name: 'IMG_0001.png', mimeType: 'image/png', buffer: png(W, H, (x, y) => ((x >> 6) + (y >> 6)) & 1 ? 200 : 60) });
    await page.waitForFunction(() => /^IMG_0001\.png — 8064 × 6048 px \(48\.8 MP\)/.test(document.querySelector('#photo-info').textContent), null, { timeout: 60_000 });
    const mood = await page.$eval('#moods input[name=mood]', (i) => i.value);
    await page.tap(`label.chip:has(input[value=${mood}])`);
    await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
    await page.tap('.settings summary');
    await page.fill('#iterations', '2');
    await page.tap('#start');
    await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 120_000 });
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.tap('#dl-jpeg')]);
    const size = imageSize(readFileSync(await dl.path()));
    // The largest picture of the photo's aspect that iOS allows.
    assert.equal(size.type, 'jpeg');
    assert.ok(size.w * size.h <= 4096 * 4096 && size.w * size.h > 0.999 * 4096 * 4096, `${size.w} × ${size.h}`);
    assert.ok(Math.abs(size.w / size.h - W / H) < 0.001, `${size.w} × ${size.h} is not the photo's aspect`);
    assert.equal(await page.textContent('#dl-text'), `Saved ${size.w} × ${size.h} JPEG, ${await page.evaluate(() => { const n = window.sentimentDebug.saved.size; return n < 1e6 ? `${(n / 1e3).toFixed(0)} kB` : `${(n / 1e6).toFixed(1)} MB`; })} (${(await page.evaluate(() => window.sentimentDebug.metrics.exportMs) / 1000).toFixed(1)} s). This browser cannot make a picture of your photo’s full ${W} × ${H} pixels, so it is saved at the largest size it can.`);
  } finally {
    await context.close();
  }
});
