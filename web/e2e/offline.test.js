// Offline for real: after a first visit, the server is stopped, and the
// page loads, retrieves, transfers and exports with nothing serving it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SITE, assetPath, launch, open, ready, imageSize, serve } from './helpers.js';

const photo = assetPath('inputs/kodim16.jpg');
const { w: W, h: H } = imageSize(readFileSync(photo));
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('after the first visit the page loads, retrieves, transfers and exports with the server gone', async () => {
  const server = await serve();
  const { context, page } = await open(browser);
  try {
    await ready(page, server.url);
    await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 120_000 });
  } finally {
    await server.stop();
  }
  // Nothing serves the site now: a fetch from here fails.
  await assert.rejects(fetch(server.url));
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  assert.match(await page.textContent('#engine-text'), /nothing was downloaded/);
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  // A mood other than the first: every reference picture is kept, not only those seen.
  const moods = await page.$$eval('#moods input[name=mood]', (is) => is.map((i) => i.value));
  await page.click(`label.chip:has(input[value=${moods.at(-1)}])`);
  await page.waitForSelector('#refs .ref');
  await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 10_000 });
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
  assert.ok(await page.isHidden('#ref-error'), await page.textContent('#ref-error'));
  await page.click('.settings summary');
  await page.fill('#iterations', '3');
  await page.click('#start');
  await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 120_000 });
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#dl-jpeg')]);
  assert.deepEqual(imageSize(readFileSync(await dl.path())), { type: 'jpeg', w: W, h: H });
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('the service worker keeps every file of the page', () => {
  const dir = process.env.SITE_DIR;
  const sw = readFileSync(path.join(dir, 'sw.js'), 'utf8');
  const list = JSON.parse(/const PAGE = (\[[^\]]*\]);/.exec(sw)[1].replace(/'/g, '"'));
  const web = readdirSync(path.join(dir, 'web')).filter((f) => !f.endsWith('.gz') && f !== 'sw.js').map((f) => `web/${f}`);
  assert.ok(web.length > 5, `web/: ${web}`);
  for (const f of web) assert.ok(list.includes(f), `sw.js does not keep ${f}`);
  for (const f of ['./', 'index.html', 'site.json', 'wasm_exec.js']) assert.ok(list.includes(f), `sw.js does not keep ${f}`);
});

test('each visit makes the kept reference pictures match the site’s credits again', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 120_000 });
  const refs = await (await fetch(new URL('refs/attribution.json', SITE))).json();
  // One listed picture lost from storage, one no longer listed left in it.
  const [lost, stale] = [new URL(`refs/${refs[0].picture}`, SITE).href, new URL('refs/gone-from-the-catalog.jpg', SITE).href];
  await page.evaluate(async ([lost, stale]) => {
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('sentiment-page-')));
    assert(await cache.delete(lost));
    await cache.put(stale, new Response('x'));
    function assert(ok) { if (!ok) throw new Error('not kept before'); }
  }, [lost, stale]);
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  // (waitForFunction does not wait on a promise: polled from here.)
  let kept = null;
  for (let i = 0; i < 150; i++) {
    kept = await page.evaluate(async ([lost, stale]) => {
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('sentiment-page-')));
      return { lost: !!(await cache.match(lost)), stale: !!(await cache.match(stale)) };
    }, [lost, stale]);
    if (kept.lost && !kept.stale) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(kept, { lost: true, stale: false });
  await context.close();
});
