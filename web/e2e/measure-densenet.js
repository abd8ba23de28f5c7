// Measures DenseNet121 in the page and prints a Markdown table: one step
// (the page's probe: a transfer iteration, forward and input gradient and
// the optimizer's update, on kodim16 and the closest "misty" reference) at
// 128, 192 and 256 px, each in a fresh worker so that the engine's memory
// (the WebAssembly heap, which never shrinks) is that size's; then a whole
// transfer with DenseNet121's default settings, beside the estimate the
// page gave before it. The load average (as uptime gives it) is beside
// each figure: the machine may be shared.
//
//	SITE_URL=http://127.0.0.1:8080/ node web/e2e/measure-densenet.js [sizes...]
//
// MEASURE_ENGINE=scalar makes the worker's WebAssembly.validate reject
// SIMD, so that the scalar engine runs. MEASURE_WHOLE=0 leaves out the
// whole transfer.
//
// Not a test: figures depend on the machine.
import os from 'node:os';
import { assetPath, forceScalarEngine, launch, open, ready, SITE } from './helpers.js';

const sizes = process.argv.slice(2).map(Number);
if (!sizes.length) sizes.push(128, 192, 256);
const rows = [];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
const row = (what, value) => {
  rows.push([what, value, load()]);
  console.error(`${what}: ${value} (load ${load()})`);
};
const mib = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;

const browser = await launch();
const { context, page } = await open(browser);
if (process.env.MEASURE_ENGINE === 'scalar') await forceScalarEngine(context);

// prepare loads the page afresh (a new worker), gives it the photo and the
// mood, sets the working size (adding it to the list if it is not there)
// and chooses DenseNet121.
async function prepare(size) {
  await ready(page);
  await page.setInputFiles('#photo-input', assetPath('inputs/kodim16.jpg'));
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForSelector('#refs .ref');
  await page.click('.settings summary');
  if (size) {
    await page.evaluate((s) => {
      const sel = document.querySelector('#size');
      if (![...sel.options].some((o) => Number(o.value) === s)) sel.append(new Option(`${s} px`, String(s)));
    }, size);
    await page.selectOption('#size', String(size));
  }
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForFunction(() => /It is ready/.test(document.querySelector('#net-text').textContent), null, { timeout: 300_000 });
}

// probe waits for the page's measurement at size.
async function probe(size) {
  await page.waitForFunction((s) => window.sentimentDebug.metrics.probe?.size === s, size, { timeout: 600_000 });
  return page.evaluate(() => window.sentimentDebug.metrics.probe);
}

for (const s of sizes) {
  await prepare(s);
  const p = await probe(s);
  row(`DenseNet121 step at ${s} px (long side; kodim16 is 3:2)`, `${p.perIteration.toFixed(0)} ms (first iteration with the setup: ${p.first.toFixed(0)} ms); engine memory ${mib(p.wasmBytes)}`);
}

// A whole transfer with the defaults DenseNet121 gives the form.
if (process.env.MEASURE_WHOLE !== '0') {
  await prepare(0);
  const d = await page.evaluate(() => ({ size: Number(document.querySelector('#size').value), iterations: Number(document.querySelector('#iterations').value) }));
  const p = await probe(d.size);
  const estimate = await page.textContent('#net-estimate');
  const t = Date.now();
  await page.click('#start');
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 60 * 60_000 });
  const m = await page.evaluate(() => window.sentimentDebug.metrics.transfer);
  row(`whole default DenseNet121 transfer: ${m.iterations} iterations at ${d.size} px`, `${(m.ms / 1000).toFixed(1)} s in the worker (${((Date.now() - t) / 1000).toFixed(1)} s click to result), ${m.iterations ? `${m.perIteration.toFixed(0)} ms an iteration with previews every 5` : 'no iteration (the mood preset)'}; engine memory ${mib(m.wasmBytes)}`);
  row('the page\'s estimate before it (probe of three iterations, the last with a preview)', `${estimate} (probe: ${p.perIteration.toFixed(0)} ms an iteration, ${p.preview.toFixed(0)} ms a preview)`);
}

await browser.close();
console.log(`Measured at ${SITE} in ${process.env.CHROMIUM || '/usr/bin/chromium'} (headless), ${os.cpus().length} CPUs.\n`);
console.log('| what | figure | load average (1, 5, 15 min) |\n|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
