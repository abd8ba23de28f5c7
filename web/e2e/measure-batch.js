// Measures the page's own collection and batch in the browser and prints
// a Markdown table: adding photos to one's own moods (time, bytes kept,
// what the browser counts), exporting them, and a batch of photos given a
// mood with the network's default settings (time a photo, the zip).
//
//	SITE_URL=http://127.0.0.1:8080/ node web/e2e/measure-batch.js [photos]
//
// The photos are the assets' inputs, then references, 50 by default.
// Not a test: figures depend on the machine.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assetPath, launch, open, ready } from './helpers.js';

const n = Number(process.argv[2] || 50);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
const rows = [];
const row = (what, value) => {
  rows.push([what, value, load()]);
  console.error(`${what}: ${value} (load ${load()})`);
};
const kb = (x) => `${(x / 1024).toFixed(0)} KiB`;
const pick = (dir) => readdirSync(path.dirname(assetPath(`${dir}/catalog.tsv`))).filter((f) => f.endsWith('.jpg')).map((f) => assetPath(`${dir}/${f}`));
const photos = [...pick('inputs'), ...pick('refs')].slice(0, n);

const browser = await launch();
const { page } = await open(browser);
await ready(page);
await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 300_000 });
const usage = () => page.evaluate(async () => (await navigator.storage.estimate()).usage);

// The subject the page's network proposes for each input photo, against
// the catalog's noun.
const catalog = readFileSync(assetPath('inputs/catalog.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
let top1 = 0;
let top3 = 0;
const guessMs = [];
for (const [file, , noun] of catalog) {
  await page.evaluate(() => { window.sentimentDebug.metrics.subject = null; });
  await page.setInputFiles('#photo-input', assetPath(`inputs/${file}`));
  await page.waitForFunction(() => window.sentimentDebug.metrics.subject, null, { timeout: 60_000 });
  const g = await page.evaluate(() => window.sentimentDebug.metrics.subject);
  const names = g.guesses.map((x) => x.name);
  top1 += names[0] === noun;
  top3 += names.slice(0, 3).includes(noun);
  guessMs.push(g.ms);
  console.error(`${file} (${noun}): ${names.join(', ')}`);
}
guessMs.sort((a, b) => a - b);
row(`subject guess in the page on the ${catalog.length} inputs: top-1, top-3 agreement`, `${top1} and ${top3} of ${catalog.length}; the engine's guess ${guessMs[guessMs.length >> 1].toFixed(0)} ms (median)`);

// One's own moods: the photos as one group with a mood word.
const before = await usage();
await page.click('#own summary');
await page.setInputFiles('#own-files', photos);
await page.fill('#own-groups input[name=mood-0]', 'dreamy');
let t = Date.now();
await page.click('#own-add');
await page.waitForFunction(() => /Added|problem/.test(document.querySelector('#own-status').textContent + document.querySelector('#own-problems').textContent), null, { timeout: 1_200_000 });
if (await page.isVisible('#own-problems')) await page.click('#own-problems button.primary');
await page.waitForFunction(() => /Added/.test(document.querySelector('#own-status').textContent), null, { timeout: 600_000 });
const addMs = Date.now() - t;
const own = await page.evaluate(() => window.sentimentDebug.state.own);
const after = await usage();
row(`own moods: ${own.refs.length} photos added (read, described, kept)`, `${(addMs / 1000).toFixed(1)} s, ${(addMs / own.refs.length).toFixed(0)} ms a photo`);
row('own moods: bytes kept (working-size JPEG + index entry)', `${kb(own.bytes)}, ${kb(own.bytes / own.refs.length)} a photo`);
row('own moods: storage the browser counts for them (estimate, after − before)', `${kb(after - before)}, ${kb((after - before) / own.refs.length)} a photo`);
t = Date.now();
const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#own-export')]);
const exported = readFileSync(await dl.path()).length;
row('own moods: export as one collection file', `${kb(exported)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
page.once('dialog', (d) => d.accept());
await page.click('#own-clear');
await page.waitForFunction(() => !document.querySelectorAll('#own-list li').length);

// A batch: every photo given one mood, the network's default settings.
await page.setInputFiles('#photo-input', photos);
await page.waitForSelector('#batch:not([hidden])');
await page.waitForSelector('#photo-info:not([hidden])');
await page.click('label.chip:has(input[value=warm])');
await page.waitForFunction(() => !document.querySelector('#batch-start').disabled, null, { timeout: 60_000 });
const settings = await page.evaluate(() => `${document.querySelector('#size').value} px, ${document.querySelector('#iterations').value} iterations`);
await page.click('#batch-start');
await page.waitForSelector('#batch-zip:not([hidden])', { timeout: 3_600_000 });
const m = await page.evaluate(() => window.sentimentDebug.metrics.batch);
const [z] = await Promise.all([page.waitForEvent('download'), page.click('#batch-zip')]);
row(`batch: ${m.photos} photos, “warm”, ${settings} (subject, retrieval, transfer, full-size JPEG, zip)`, `${(m.ms / 1000).toFixed(1)} s, ${(m.perPhoto / 1000).toFixed(2)} s a photo; ${m.done} done, ${m.failed} failed`);
row('batch: the zip', kb(readFileSync(await z.path()).length));
await browser.close();

console.log('| what | figure | load (1, 5, 15 min) |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
