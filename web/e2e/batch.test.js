// Many photos at once: several photos chosen together get the same mood
// one after another in the one engine, with a queue that says how each
// went (a damaged one fails and the rest go on), and one zip to download
// with every result at full size; a cancel stops the queue and keeps what
// is done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assetPath, launch, open, ready, imageSize } from './helpers.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// unzip returns the files of a zip whose files are stored (as the page
// writes them): {name: bytes}, read through the central directory.
function unzip(buf) {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'not a central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString();
    assert.equal(method, 0, `${name} is compressed`);
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out[name] = buf.subarray(data, data + size);
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

const photos = ['inputs/kodim16.jpg', 'inputs/kodim08.jpg'].map(assetPath);

// queue chooses the photos (and a damaged one) together, picks mood and
// few iterations.
async function queue(page, mood, iterations) {
  const broken = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-')), 'broken.jpg');
  writeFileSync(broken, 'not a picture');
  await page.setInputFiles('#photo-input', [photos[0], broken, photos[1]]);
  await page.waitForSelector('#batch:not([hidden])');
  await page.waitForSelector('#photo-info:not([hidden])'); // the first is the photo shown
  await page.click(`label.chip:has(input[value=${mood}])`);
  await page.click('.settings summary');
  await page.fill('#iterations', String(iterations));
  await page.waitForFunction(() => !document.querySelector('#batch-start').disabled, null, { timeout: 30_000 });
}

test('several photos get the same mood one after another, a bad one is reported and the rest go on, one zip at the end', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  await queue(page, 'warm', 3);
  assert.equal(await page.$$eval('#batch-list li', (ls) => ls.length), 3);
  assert.match(await page.textContent('#batch-start'), /Give all 3 photos the “warm” mood/);
  await page.click('#batch-start');
  await page.waitForSelector('#batch-zip:not([hidden])', { timeout: 240_000 });
  const states = await page.$$eval('#batch-list li', (ls) => ls.map((l) => l.className));
  assert.deepEqual(states, ['batch-done', 'batch-failed', 'batch-done']);
  assert.match(await page.textContent('#batch-list li:nth-child(2)'), /broken\.jpg — failed: .*could not be read/);
  assert.match(await page.textContent('#batch-text'), /2 of 3 given the “warm” mood in [\d.]+ s, 1 failed/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#batch-zip')]);
  assert.equal(dl.suggestedFilename(), 'photos-warm.zip');
  const files = unzip(readFileSync(await dl.path()));
  assert.deepEqual(Object.keys(files).sort(), ['kodim08-warm.jpg', 'kodim16-warm.jpg']);
  for (const [name, src] of [['kodim16-warm.jpg', photos[0]], ['kodim08-warm.jpg', photos[1]]]) {
    const want = imageSize(readFileSync(src));
    assert.deepEqual(imageSize(files[name]), { type: 'jpeg', w: want.w, h: want.h }, name);
  }
  // The page goes on with its own photo: a single run works after it.
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
  await page.click('#start');
  await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 120_000 });
  assert.match(await page.textContent('#run-text'), /Done: “warm”/);
  const m = await page.evaluate(() => globalThis.sentimentDebug.metrics.batch);
  assert.equal(m.done, 2);
  // Each photo was given what a single run gives it: the settings' iterations
  // (the default none) and the light of the mood's references.
  const single = await page.evaluate(() => globalThis.sentimentDebug.metrics.transfer);
  const iterations = Number(await page.inputValue('#iterations'));
  assert.equal(single.iterations, iterations);
  assert.deepEqual(m.runs.map((r) => [r.iterations, r.mood]), [[iterations, 'warm'], [iterations, 'warm']]);
  assert.ok(m.runs.every((r) => r.references > 1), `the light from the mood's references: ${JSON.stringify(m.runs)}`);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a batch begun while the page still fetches the mood’s reference waits for it: both the batch and the page’s reference come through', async () => {
  // Reference pictures come slowly, so that the page's own (the best card,
  // chosen as the mood is) is still on its way when the batch begins; the
  // context blocks service workers, which would answer without the route.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, serviceWorkers: 'block' });
  await context.route('**/refs/*.jpg', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  const { page } = await open(context);
  await ready(page);
  await page.setInputFiles('#photo-input', photos);
  await page.waitForSelector('#batch:not([hidden])');
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click('.settings summary');
  await page.fill('#iterations', '0');
  await page.click('label.chip:has(input[value=warm])');
  await page.waitForSelector('input[name=ref]:checked');
  await page.click('#batch-start');
  await page.waitForSelector('#batch-zip:not([hidden])', { timeout: 240_000 });
  assert.deepEqual(await page.$$eval('#batch-list li', (ls) => ls.map((l) => l.className)), ['batch-done', 'batch-done']);
  // The page's reference was not stopped by the batch's downloads, and is
  // the engine's again: a single run takes it.
  assert.equal(await page.isHidden('#ref-error'), true, await page.textContent('#ref-error'));
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
  await page.click('#start');
  await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 120_000 });
  assert.match(await page.textContent('#run-text'), /Done: “warm”/);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a cancelled batch stops, and what is done can still be downloaded', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  await queue(page, 'cold', 40);
  await page.click('#batch-start');
  // Cancelled while the third photo is at work.
  await page.waitForSelector('#batch-list li:nth-child(3).batch-running', { timeout: 240_000 });
  await page.click('#batch-cancel');
  await page.waitForSelector('#batch-zip:not([hidden])', { timeout: 60_000 });
  const states = await page.$$eval('#batch-list li', (ls) => ls.map((l) => l.className));
  assert.deepEqual(states, ['batch-done', 'batch-failed', 'batch-cancelled']);
  assert.match(await page.textContent('#batch-text'), /cancelled/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#batch-zip')]);
  assert.deepEqual(Object.keys(unzip(readFileSync(await dl.path()))), ['kodim16-cold.jpg']);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});
