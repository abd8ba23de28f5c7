// The engine file the worker picks: the SIMD engine where the browser's
// WebAssembly has SIMD (Chromium here), and the scalar engine, quietly,
// where WebAssembly.validate rejects a v128 instruction — forced here by
// serving the worker with a validate that rejects everything. Both engines
// run the same short transfer to the same picture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SITE, assetPath, forceScalarEngine, launch, open, ready } from './helpers.js';

const site = await (await fetch(new URL('site.json', SITE))).json();
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// transfer loads the page in a fresh context, runs 3 iterations at 256 px
// with an uploaded reference and returns the wasm files fetched, the
// engine's status text and the result's pixels. noSIMD makes the worker's
// WebAssembly.validate reject every module. Service workers are blocked so
// that every request reaches the routes.
async function transfer(noSIMD) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  if (noSIMD) await forceScalarEngine(context);
  const log = [];
  const { page } = await open(context, log);
  await ready(page);
  const text = await page.textContent('#engine-text');
  await page.setInputFiles('#photo-input', assetPath('inputs/kodim16.jpg'));
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.setInputFiles('#ref-input', assetPath('refs/bud-desert.jpg'));
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
  if (!(await page.isVisible('#iterations'))) await page.click('.settings summary');
  await page.selectOption('#size', '256');
  await page.fill('#iterations', '3');
  await page.click('#start');
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 120_000 });
  assert.match(await page.textContent('#run-text'), /Done: .*\b3 iterations/);
  const { perIteration } = (await page.evaluate(() => window.sentimentDebug.metrics)).transfer;
  const rgba = await page.$eval('#after', (c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data));
  await page.settle();
  const wasm = log.filter((r) => r.url.endsWith('.wasm')).map((r) => new URL(r.url).pathname.split('/').pop());
  assert.deepEqual(page.errors || [], []);
  await context.close();
  return { wasm, text, rgba, perIteration };
}

test('the SIMD engine where the browser has WebAssembly SIMD, the scalar one where it has not, the same picture from both', async () => {
  assert.ok(site.scalarEngine, 'site.json has no scalarEngine: the build did not make the SIMD engine (is Go 1.27.3 reachable?)');
  const simd = await transfer(false);
  assert.deepEqual(simd.wasm, [site.engine.url]);
  const scalar = await transfer(true);
  assert.deepEqual(scalar.wasm, [site.scalarEngine.url]);
  // Nothing alarming: the page says what it says with the SIMD engine.
  assert.equal(scalar.text, simd.text);
  // Both kernels add each product in the same order with the same
  // roundings, so the pictures come out the same; a kernel that summed in
  // another order would still be within a level.
  assert.equal(scalar.rgba.length, simd.rgba.length);
  let d = 0;
  for (let i = 0; i < simd.rgba.length; i++) d += Math.abs(simd.rgba[i] - scalar.rgba[i]);
  d /= simd.rgba.length;
  console.log(`mean difference of the two engines' results: ${d.toFixed(3)} levels of 255; ms per iteration at 256 px: scalar ${scalar.perIteration.toFixed(0)} → SIMD ${simd.perIteration.toFixed(0)}`);
  assert.ok(d < 1, `the engines' results differ by ${d} levels on average`);
});
