// Labels that never mislead, in headless Chromium: what the page says
// about a result and its references matches what was used to make it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assetPath, imageSize, launch, open, patchWorker, ready, png } from './helpers.js';

const photo = assetPath('inputs/kodim16.jpg');

let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// take loads the page with a photo (a path or {name, mimeType, buffer})
// and mood chosen, and waits for the preselected reference.
async function take(page, input, mood) {
  await ready(page);
  await page.setInputFiles('#photo-input', input);
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click(`label.chip:has(input[value=${mood}])`);
  await page.waitForSelector('#refs .ref');
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
}

// cards returns each card's structure match (the engine's SSIM), whether
// it is marked poor, and its words.
function cards(page) {
  return page.$$eval('#refs .ref', (cs) => cs.map((c) => ({
    ssim: Number(c.dataset.ssim), poor: c.classList.contains('poor'), score: c.querySelector('.score').textContent, label: c.querySelector('input').getAttribute('aria-label'),
  })));
}

// Stripes 8 px wide: a photo of outlines no reference has.
const stripes = { name: 'stripes.png', mimeType: 'image/png', buffer: png(640, 480, (x) => ((x >> 3) & 1 ? 220 : 40)) };

test('a reference with a very poor structure match is said to be one, on its card, where it is chosen and with the result', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  const threshold = await page.evaluate(() => window.sentimentDebug.state.constants.poorMatchPercent);
  assert.ok(threshold > 0 && threshold < 100, `poorMatchPercent ${threshold}`);
  await page.setInputFiles('#photo-input', stripes);
  await page.waitForSelector('#photo-info:not([hidden])');
  // Every mood's cards: marked poor exactly when the engine's match is
  // under its threshold, in words on the card and for screen readers.
  const moods = await page.$$eval('#moods input[name=mood]', (is) => is.map((i) => i.value));
  let poorMood = '';
  const seen = { poor: 0, fair: 0 };
  for (const mood of moods) {
    await page.click(`label.chip:has(input[value=${mood}])`);
    await page.waitForFunction((m) => document.querySelector('#refs-heading').textContent.includes(`“${m}”`) && document.querySelector('#refs .ref'), mood);
    for (const c of await cards(page)) {
      assert.equal(c.poor, c.ssim * 100 < threshold, `${mood}: ${c.score} (SSIM ${c.ssim})`);
      assert.equal(/— poor$/.test(c.score), c.poor, c.score);
      assert.equal(/— poor/.test(c.label), c.poor, c.label);
      seen[c.poor ? 'poor' : 'fair']++;
    }
    await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
    const chosen = await page.evaluate(() => window.sentimentDebug.state.reference);
    // Where the reference is chosen: a line in plain words, or none.
    assert.equal(await page.isVisible('#ref-poor'), chosen.ssim * 100 < threshold, `${mood}: the line under the cards`);
    if (chosen.ssim * 100 < threshold && !poorMood) poorMood = mood;
  }
  assert.ok(seen.poor > 0 && poorMood, `no mood of the collection has only poor matches for a photo of stripes: ${JSON.stringify(seen)}`);
  assert.ok(seen.fair > 0, `no card was a fair match: ${JSON.stringify(seen)}`);
  await page.click(`label.chip:has(input[value=${poorMood}])`);
  await page.waitForSelector('#ref-poor:not([hidden])');
  assert.match(await page.textContent('#ref-poor'), new RegExp(`^The reference chosen, ${poorMood} \\w+, shares little of your photo’s structure \\((\\d+% structure match|little structure in common)\\): the mood comes from a scene laid out differently`));
  await page.click('.settings summary');
  await page.fill('#iterations', '2');
  await page.click('#start');
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 120_000 });
  // With the result: said in the run's status.
  assert.match(await page.textContent('#run-text'), new RegExp(`^Done: “${poorMood}” from ${poorMood} \\w+, 2 iterations in [\\d.]+ s\\. Its reference shares little of your photo’s structure \\(.*\\), and so do the others, so the light comes from all \\d+ “${poorMood}” references together\\.`));

  await context.close();
});

// download clicks the button css and returns the file's suggested name.
async function download(page, css) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(css)]);
  return dl.suggestedFilename();
}

// run sets the iterations, starts a run and waits for its result.
async function run(page, iterations) {
  if (!(await page.isVisible('#iterations'))) await page.click('.settings summary');
  await page.fill('#iterations', String(iterations));
  await page.click('#start');
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 120_000 });
}

test('one’s own reference names the result, its status and its files, with its picture shown; a result made before a new choice is marked on the picture', async () => {
  const { context, page } = await open(browser);
  await take(page, photo, 'misty');
  await page.setInputFiles('#ref-input', assetPath('refs/bud-desert.jpg'));
  await page.waitForFunction(() => /Using your own reference: bud-desert\.jpg/.test(document.querySelector('#refs-heading').textContent));
  // The own reference's picture beside its name.
  await page.waitForFunction(() => { const i = document.querySelector('#own-thumb'); return !i.hidden && i.complete && i.naturalWidth > 0; });
  assert.equal(await page.getAttribute('#own-thumb', 'alt'), 'Your own reference, bud-desert.jpg');
  await run(page, 2);
  // Named after the reference, not after the mood chip still selected.
  assert.match(await page.textContent('#run-text'), /^Done: your own reference: bud-desert\.jpg, 2 iterations in/);
  assert.equal(await download(page, '#dl-jpeg'), 'kodim16-bud-desert.jpg');
  assert.equal(await download(page, '#dl-lut'), 'kodim16-bud-desert.cube');
  assert.equal(await page.textContent('#tag-after'), 'After');
  // Another mood chosen while one's own reference stays in use: the
  // result is still the current one.
  const other = await page.$$eval('#moods input[name=mood]', (is) => is.map((i) => i.value).find((v) => v !== 'misty'));
  await page.click(`label.chip:has(input[value=${other}])`);
  await page.waitForFunction((m) => document.querySelector('#refs-heading').textContent.includes(`“${m}”`), other);
  assert.ok(await page.isHidden('#result-note'));
  assert.equal(await page.textContent('#tag-after'), 'After');
  assert.ok(!(await page.$eval('#stage', (s) => s.classList.contains('previous'))));
  // A card chosen: the result shown is the previous one, said on the
  // picture itself and in the note.
  await page.click('#refs .ref');
  await page.waitForFunction(() => window.sentimentDebug.state.reference?.file);
  await page.waitForSelector('#stage.previous');
  assert.equal(await page.textContent('#tag-after'), 'Previous result');
  assert.ok(await page.isVisible('#tag-after'));
  assert.match(await page.getAttribute('#after', 'aria-label'), /^The previous result: the photo with your own reference: bud-desert\.jpg$/);
  assert.match(await page.textContent('#result-note'), /^This is the result from before: your own reference: bud-desert\.jpg\./);
  assert.ok(await page.isHidden('#own-thumb'));
  // The new run's result is the current one again, named after its mood.
  await run(page, 2);
  assert.equal(await page.textContent('#tag-after'), 'After');
  assert.ok(!(await page.$eval('#stage', (s) => s.classList.contains('previous'))));
  assert.match(await page.textContent('#run-text'), new RegExp(`^Done: “${other}” from ${other} \\w+, 2 iterations`));
  assert.equal(await download(page, '#dl-jpeg'), `kodim16-${other}.jpg`);
  await context.close();
});

test('DenseNet121 chosen: the change of settings is said, values typed are kept, the files carry the network', async () => {
  const { context, page } = await open(browser);
  await take(page, photo, 'misty');
  await page.click('.settings summary');
  const squeeze = { size: Number(await page.inputValue('#size')), iterations: Number(await page.inputValue('#iterations')) };
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForFunction(() => /It is ready, and kept on this device/.test(document.querySelector('#net-text').textContent), null, { timeout: 120_000 });
  const d = await page.evaluate(() => window.sentimentDebug.state.networks.densenet121.defaults);
  assert.ok(d.size !== squeeze.size || d.iterations !== squeeze.iterations, 'the networks have the same defaults: nothing to say');
  // Said outside the folded settings, with what it was before.
  const parts = [];
  if (d.size !== squeeze.size) parts.push(`working size ${d.size} px \\(was ${squeeze.size} px\\)`);
  if (d.iterations !== squeeze.iterations) parts.push(`${d.iterations} iterations \\(was ${squeeze.iterations}\\)`);
  await page.waitForSelector('#settings-note:not([hidden])');
  assert.match(await page.textContent('#settings-note'), new RegExp(`^Settings for DenseNet121: ${parts.join('; ')}\\.$`));
  assert.equal(Number(await page.inputValue('#iterations')), d.iterations);
  // Back to SqueezeNet, iterations typed, DenseNet121 again: the typed value stays, and the note says so.
  await page.selectOption('#backbone', 'squeezenet_v1.1');
  await page.waitForFunction(() => /^Settings for SqueezeNet 1\.1/.test(document.querySelector('#settings-note').textContent));
  await page.fill('#iterations', '2');
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForFunction(() => /^Settings for DenseNet121/.test(document.querySelector('#settings-note').textContent));
  assert.match(await page.textContent('#settings-note'), new RegExp(`your 2 iterations are kept \\(it suggests ${d.iterations}\\)`));
  assert.equal(await page.inputValue('#iterations'), '2');
  await page.click('#start');
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 120_000 });
  assert.match(await page.textContent('#run-text'), /2 iterations with DenseNet121 in/);
  assert.equal(await download(page, '#dl-jpeg'), 'kodim16-misty-DenseNet121.jpg');
  await context.close();
});

// pngOf runs a short transfer of kodim16 in context and returns its PNG download.
async function pngOf(context) {
  const { page } = await open(context);
  await take(page, photo, 'misty');
  await run(page, 2);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#dl-png')]);
  return { page, file: readFileSync(await dl.path()) };
}

test('an opaque photo’s PNG has no alpha channel, and the same pixels as the browser’s own encoding', async () => {
  const rgb = await pngOf(await browser.newContext({ acceptDownloads: true, serviceWorkers: 'block' }));
  // IHDR: 8 bits, colour type 2 (RGB): no alpha channel.
  assert.deepEqual(imageSize(rgb.file).type, 'png');
  assert.equal(rgb.file[24], 8);
  assert.equal(rgb.file[25], 2, `colour type ${rgb.file[25]}, not RGB`);
  // The same run where the page cannot write one (no CompressionStream):
  // the canvas's RGBA PNG, as before.
  const context = await browser.newContext({ acceptDownloads: true, serviceWorkers: 'block' });
  await patchWorker(context, 'globalThis.CompressionStream = undefined;');
  const rgba = await pngOf(context);
  assert.equal(rgba.file[25], 6, 'the fallback is not the canvas’s RGBA PNG');
  // Decoded by the browser, the two are the same picture.
  const diff = await rgb.page.evaluate(async (files) => {
    const px = await Promise.all(files.map(async (b64) => {
      const bm = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }), { colorSpaceConversion: 'none' });
      const c = new OffscreenCanvas(bm.width, bm.height);
      c.getContext('2d').drawImage(bm, 0, 0);
      return c.getContext('2d').getImageData(0, 0, bm.width, bm.height).data;
    }));
    if (px[0].length !== px[1].length) return -1;
    let n = 0;
    for (let i = 0; i < px[0].length; i++) if (px[0][i] !== px[1][i]) n++;
    return n;
  }, [rgb.file.toString('base64'), rgba.file.toString('base64')]);
  assert.equal(diff, 0, 'the RGB PNG and the canvas’s PNG differ');
  console.log(`kodim16's PNG: ${rgb.file.length} bytes as RGB, ${rgba.file.length} as the canvas's RGBA`);
  await rgb.page.context().close();
  await context.close();
});
