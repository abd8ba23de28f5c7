// Times the same short transfer in headless Chromium and in WebKit
// (WebKitGTK through WebKitWebDriver; run under xvfb-run), alternated
// ROUNDS times (3), and prints each browser's per-iteration time: the
// worker's median iteration without a preview, and the page's wall time
// per iteration (previews included). Figures compare only within one run
// on this shared machine.
//
//	SITE_URL=http://127.0.0.1:8080/ [SIZE=256] [ITERATIONS=20] [ROUNDS=3] xvfb-run -a node web/e2e/browsers.js
//
// Not a test: figures depend on the machine.
import os from 'node:os';
import { assetPath, launch, open, ready } from './helpers.js';
import { startDriver } from './webkit.js';

const size = process.env.SIZE || '256';
const iterations = Number(process.env.ITERATIONS || 20);
const photo = assetPath('inputs/kodim16.jpg');
const ref = assetPath('refs/bud-desert.jpg');

// The settings and the click on Start, the same in both browsers.
function setup({ iterations, size }) {
  const d = document.querySelector('details.settings');
  d.open = true;
  document.querySelector('#size').value = size;
  document.querySelector('#iterations').value = String(iterations);
  document.querySelector('#start').click();
}
const done = () => !document.querySelector('#dl-png').disabled && window.sentimentDebug.metrics.transfer;

async function chromium(browser) {
  const { context, page } = await open(browser, []);
  await ready(page);
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.setInputFiles('#ref-input', ref);
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
  await page.evaluate(setup, { iterations, size });
  const m = await page.waitForFunction(done, null, { timeout: 600_000 }).then((h) => h.jsonValue());
  await context.close();
  return m;
}

async function webkit(driver) {
  const s = await driver.session();
  try {
    await s.goto(process.env.SITE_URL);
    await s.until(() => document.querySelector('#engine.ready'));
    await s.type('#photo-input', photo);
    await s.until(() => !document.querySelector('#photo-info').hidden);
    await s.type('#ref-input', ref);
    await s.until(() => !document.querySelector('#start').disabled, null, 60_000);
    await s.eval(setup, { iterations, size });
    return await s.until(done, null, 600_000);
  } finally {
    await s.close();
  }
}

// BROWSERS=webkit times WebKit alone (its JSC_* options, for one, come
// from the environment: JSC_useOMGJIT=0 and the like).
const browsers = (process.env.BROWSERS || 'webkit,chromium').split(',');
const browser = browsers.includes('chromium') ? await launch() : null;
const driver = await startDriver();
const res = { chromium: [], webkit: [] };
for (let round = 0; round < Number(process.env.ROUNDS || 3); round++) {
  for (const b of browsers) {
    const m = b === 'chromium' ? await chromium(browser) : await webkit(driver);
    res[b].push(m);
    console.error(b, `iteration ${m.phases.iteration.toFixed(0)} ms, ${m.perIteration.toFixed(0)} ms/iteration with previews, setup ${m.phases.setup.toFixed(0)} ms, previews ${m.phases.previews.toFixed(0)} ms over ${m.phases.previewCount}, finish ${m.phases.finish.toFixed(0)} ms`);
  }
}
await browser?.close();
await driver.stop();
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const b of browsers) {
  const it = res[b].map((m) => m.phases.iteration);
  const wall = res[b].map((m) => m.perIteration);
  console.log(`${b}: ${size} px, ${iterations} iterations: iteration without a preview median ${med(it).toFixed(0)} ms [${it.map((v) => v.toFixed(0))}], with previews median ${med(wall).toFixed(0)} ms [${wall.map((v) => v.toFixed(0))}]`);
}
if (res.webkit.length && res.chromium.length) {
  const ratio = med(res.webkit.map((m) => m.phases.iteration)) / med(res.chromium.map((m) => m.phases.iteration));
  console.log(`WebKit / Chromium per iteration: ${ratio.toFixed(2)}×`);
}
console.log(`load average (1, 5, 15 min) at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`);
