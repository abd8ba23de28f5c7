// Times a short transfer in headless Chromium with the scalar and the SIMD
// engine, alternated ROUNDS times (3), and prints the browser's CPU time
// per iteration (every process below this one, from /proc: Linux only) and
// the page's wall time per iteration. CPU time is the figure to compare on
// a shared machine; wall time moves with the load.
//
//	SITE_URL=http://127.0.0.1:8080/ [BACKBONE=densenet121] [SIZE=192] [ITERATIONS=20] node web/e2e/engines.js
//
// The window runs from the click on Start to the result: the targets'
// features, the iterations, the previews and the fit. Not a test: figures
// depend on the machine.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { assetPath, forceScalarEngine, launch, open, ready } from './helpers.js';

const net = process.env.BACKBONE || 'squeezenet_v1.1';
const size = process.env.SIZE || '256';
const iterations = Number(process.env.ITERATIONS || 20);

// cpu returns the CPU time (s) of every process below this one, the
// browser's (stat's utime and stime, in Linux's 100 ticks a second).
function cpu() {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const r = s.slice(s.lastIndexOf(')') + 2).split(' ');
      kids.set(+d, { ppid: +r[1], t: (+r[11] + +r[12]) / 100 });
    } catch {}
  }
  let sum = 0;
  const below = (pid) => { for (const [k, v] of kids) if (v.ppid === pid) { sum += v.t; below(k); } };
  below(process.pid);
  return sum;
}
const browser = await launch();
const cpuRes = { scalar: [], simd: [] };
const res = { scalar: [], simd: [] };
const plain = { scalar: [], simd: [] }; // the worker's median iteration without a preview
for (let round = 0; round < Number(process.env.ROUNDS || 3); round++) {
  for (const e of ['scalar', 'simd']) {
    // No service worker: every request, the worker's script too, meets the route.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    if (e === 'scalar') await forceScalarEngine(context);
    const { page } = await open(context, []);
    await ready(page);
    await page.setInputFiles('#photo-input', assetPath('inputs/kodim16.jpg'));
    await page.waitForSelector('#photo-info:not([hidden])');
    await page.setInputFiles('#ref-input', assetPath('refs/bud-desert.jpg'));
    await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
    if (!(await page.isVisible('#iterations'))) await page.click('.settings summary');
    if (net !== 'squeezenet_v1.1') await page.selectOption('#backbone', net);
    // A size the page does not list (DenseNet's 192 px) is added to it.
    await page.evaluate((v) => { if (![...document.querySelector('#size').options].some((o) => o.value === v)) document.querySelector('#size').add(new Option(`${v} px`, v)); }, size);
    await page.selectOption('#size', size);
    await page.fill('#iterations', String(iterations));
    const c0 = cpu();
    await page.click('#start');
    await page.waitForSelector('#dl-png:not([disabled])', { timeout: 300_000 });
    cpuRes[e].push(((cpu() - c0) * 1000) / iterations);
    const m = await page.evaluate(() => window.sentimentDebug.metrics.transfer);
    res[e].push(m.perIteration);
    if (m.phases?.iteration) plain[e].push(m.phases.iteration);
    console.error(e, m.perIteration.toFixed(0), 'ms/iteration,', cpuRes[e].at(-1).toFixed(0), 'cpu-ms/iteration');
    await context.close();
  }
}
await browser.close();
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`browser CPU ms per iteration, ${net} ${size} px, ${iterations} iterations (with the targets, previews and fit): scalar median ${med(cpuRes.scalar).toFixed(0)} [${cpuRes.scalar.map((v) => v.toFixed(0))}] → SIMD median ${med(cpuRes.simd).toFixed(0)} [${cpuRes.simd.map((v) => v.toFixed(0))}]`);
console.log(`page's wall ms per iteration, ${net} ${size} px, ${iterations} iterations: scalar min ${Math.min(...res.scalar).toFixed(0)} median ${med(res.scalar).toFixed(0)} → SIMD min ${Math.min(...res.simd).toFixed(0)} median ${med(res.simd).toFixed(0)}`);
if (plain.scalar.length && plain.simd.length) console.log(`worker's median ms per iteration without a preview: scalar ${med(plain.scalar).toFixed(0)} [${plain.scalar.map((v) => v.toFixed(0))}] → SIMD ${med(plain.simd).toFixed(0)} [${plain.simd.map((v) => v.toFixed(0))}]`);
console.log(`load average (1, 5, 15 min) at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`);
