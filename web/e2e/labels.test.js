// Labels that never mislead, in headless Chromium: what the page says
// about a result and its references matches what was used to make it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, ready, png } from './helpers.js';

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
  assert.match(await page.textContent('#run-text'), new RegExp(`^Done: “${poorMood}” from ${poorMood} \\w+, 2 iterations in [\\d.]+ s\\. Its reference shares little of your photo’s structure \\(.*\\), so the mood may sit less naturally`));

  await context.close();
});
