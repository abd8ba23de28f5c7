// Measures the page in the browser and prints a Markdown table: bytes and
// time of a first and a second visit, retrieval, and a default transfer of
// a 12-megapixel photo (made in the page by enlarging the assets' large
// photo, so no such file is needed on disk), with its full-size export.
//
//	SITE_URL=http://127.0.0.1:8080/ node web/e2e/measure.js [iterations]
//
// Without an iterations argument the transfer runs the network's default.
// MEASURE_WIDTH sets the photo's width instead of 4243 px (12 MP), e.g.
// 8660 for 50 MP. MEASURE_ENGINE=scalar makes the worker's
// WebAssembly.validate reject SIMD, so that the scalar engine runs.
// Not a test: figures depend on the machine.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { assetPath, forceScalarEngine, launch, open, ready, SITE } from './helpers.js';

const iterations = process.argv[2] ? Number(process.argv[2]) : 0;
const rows = [];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
const row = (what, value) => {
  rows.push([what, value, load()]);
  console.error(`${what}: ${value} (load ${load()})`);
};
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

const browser = await launch();
const log = [];
const { context, page } = await open(browser, log);
if (process.env.MEASURE_ENGINE === 'scalar') await forceScalarEngine(context);

const t0 = Date.now();
await ready(page);
const readyWall = Date.now() - t0;
// The first visit ends when the service worker has kept everything for offline use.
await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 300_000 });
const offlineWall = Date.now() - t0;
await page.settle();
const first = log.reduce((s, r) => s + (r.bytes || 0) + (r.headers || 0), 0);
const m1 = await page.evaluate(() => window.sentimentDebug.metrics);
row('first visit: bytes transferred (bodies as sent, gzip, + headers)', `${kb(first)} in ${log.length} requests`);
const ph = (m) => Object.entries(m.phases || {}).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
row('engine', log.filter((r) => r.url.endsWith('.wasm')).map((r) => r.url.split('/').pop()).join(', '));
row('first visit: navigation to ready', `${readyWall} ms (module start to ready ${m1.ready.toFixed(0)} ms; in the worker, ms: ${ph(m1)})`);
row('first visit: navigation to ready for offline use (every reference picture kept)', `${offlineWall} ms`);

log.length = 0;
const t1 = Date.now();
await page.reload();
await page.waitForSelector('#engine.ready', { timeout: 60_000 });
const readyWall2 = Date.now() - t1;
// The engine at work from here on: MEASURE_ENGINE=scalar's validate must
// still be in the worker after the reload (the service worker may serve it).
const forced = await Promise.all(page.workers().map((w) => w.evaluate(() => !WebAssembly.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])))));
row('engine after the reload', forced.some(Boolean) ? 'scalar (WebAssembly.validate rejects everything in the worker)' : 'the browser\'s choice (SIMD where WebAssembly has it)');
await page.settle();
const second = log.reduce((s, r) => s + (r.bytes || 0) + (r.headers || 0), 0);
const big = log.filter((r) => /\.(wasm|weights|bin)$/.test(r.url)).map((r) => r.url);
row('second visit: bytes transferred', `${kb(second)} in ${log.length} requests (engine, weights, index fetched: ${big.length ? big.join(', ') : 'none'})`);
row('second visit: navigation to ready', `${readyWall2} ms (in the worker, ms: ${ph(await page.evaluate(() => window.sentimentDebug.metrics))})`);

// A 12 MP (or MEASURE_WIDTH wide) JPEG made in the page from the large
// photo, dropped as a file.
const large = readFileSync(assetPath('inputs/large/bud-zion-full.jpg')).toString('base64');
const width = Number(process.env.MEASURE_WIDTH) || 4243;
const made = await page.evaluate(async ([b64, w]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const src = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
  const h = Math.round((src.height * w) / src.width);
  const c = new OffscreenCanvas(w, h);
  c.getContext('2d').drawImage(src, 0, 0, w, h);
  const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  const dt = new DataTransfer();
  dt.items.add(new File([blob], 'twelve-mp.jpg', { type: 'image/jpeg' }));
  const t = performance.now();
  document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  window.__dropAt = t;
  return { w, h, size: blob.size };
}, [large, width]);
const MP = `${((made.w * made.h) / 1e6).toFixed(0)} MP`;
await page.waitForFunction(() => document.querySelector('#photo-info').textContent.startsWith('twelve-mp'), null, { timeout: 60_000 });
const decode = await page.evaluate(() => performance.now() - window.__dropAt);
row(`${MP} photo: decode, display copy, hand-over to the worker`, `${decode.toFixed(0)} ms (${made.w}×${made.h}, ${(made.size / 1e6).toFixed(1)} MB JPEG)`);

const hasIndex = await page.$('input[name=mood][value=misty]');
row('network built after ready (weights checked, parsed, SqueezeNet assembled)', `${(await page.evaluate(() => window.sentimentDebug.metrics.network))?.toFixed(0)} ms`);
if (hasIndex) {
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForSelector('#refs .ref');
  const m = await page.evaluate(() => window.sentimentDebug.metrics);
  row('retrieval (misty, all references of the adjective), in the worker', `${m.retrieval.toFixed(0)} ms`);
} else {
  await page.setInputFiles('#ref-input', assetPath('refs/bud-desert.jpg'));
  row('retrieval', 'not measured: this build has no reference index');
}
await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
if (iterations) {
  await page.click('.settings summary');
  await page.fill('#iterations', String(iterations));
}
const settings = await page.evaluate(() => ({ size: document.querySelector('#size').value, iterations: document.querySelector('#iterations').value }));
await page.click('#start');
await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 60 * 60_000 });
const m = await page.evaluate(() => window.sentimentDebug.metrics);
row(`transfer of the ${MP} photo, ${settings.iterations} iterations at ${settings.size} px`, `${(m.transfer.ms / 1000).toFixed(1)} s in all`);
// The mood preset's default runs no iteration: there is no time per
// iteration then, and the phases have no iterations to split.
const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : '–');
if (m.transfer.perIteration !== undefined) row('time per iteration (from the progress events)', `${ms(m.transfer.perIteration)} ms`);
const f = m.transfer.phases;
if (f) {
  row('of the transfer, in the worker, ms', `working copy ${ms(f.work)} (made with the retrieval, before the transfer), setup ${ms(f.setup)}, `
    + `iterations ${ms(f.iterations)} (${ms(f.iteration)} each without a preview), ${f.previewCount ?? 0} previews ${ms(f.previews)}, `
    + `finish ${ms(f.finish)}, display copy drawn ${ms(f.draw)}`);
}
if (m.transfer.wasmBytes) row('engine memory (WebAssembly heap) after the transfer, before any export', `${(m.transfer.wasmBytes / 2 ** 20).toFixed(0)} MiB`);

await page.fill('#strength', '50');
await page.waitForFunction(() => window.sentimentDebug.metrics.strengthDrawn === 0.5);
const sm = await page.evaluate(() => window.sentimentDebug.metrics);
row('strength change: instant blend on the page thread, then the exact grid on the 1280 px display copy in the worker', `${sm.blendMs.toFixed(0)} ms, then ${sm.strengthMs.toFixed(0)} ms`);
for (const [id, name] of [['#dl-jpeg', 'JPEG'], ['#dl-png', 'PNG']]) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 10 * 60_000 }), page.click(id)]);
  await dl.path();
  const em = await page.evaluate(() => window.sentimentDebug.metrics);
  const strips = em.exportStrips ? `, ${em.exportStrips} strips` : '';
  const ep = em.exportPhases ? ` (photo drawn ${em.exportPhases.draw.toFixed(0)}, grid in the engine ${em.exportPhases.apply.toFixed(0)}, strips read and written ${em.exportPhases.strips.toFixed(0)}, encoder ${em.exportPhases.encode.toFixed(0)})` : '';
  row(`full-size ${name} export (grid at full size + browser encoder)`, `${em.exportMs.toFixed(0)} ms${strips}${ep}`);
}
const wasm = await page.evaluate(() => window.sentimentDebug.metrics.wasmBytes);
row('engine memory (WebAssembly heap) after the full-size exports', `${(wasm / 2 ** 20).toFixed(0)} MiB`);
const mem = await page.evaluate(() => performance.memory?.usedJSHeapSize);
if (mem) row('page heap after export (the worker is separate)', `${(mem / 1e6).toFixed(0)} MB`);

await browser.close();
console.log(`Measured at ${SITE} in ${process.env.CHROMIUM || '/usr/bin/chromium'} (headless).\n`);
console.log('| what | figure | load average (1, 5, 15 min) |\n|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
