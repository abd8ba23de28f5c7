// The first visit on a slow home line (10 Mbit/s, 40 ms round trip,
// throttle.js in front of the server): the page is usable once the
// engine, the network, the index and the page itself are in; the
// reference pictures follow after it is ready, and then every one of them
// is kept for offline use. Headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { SITE, launch, open } from './helpers.js';
import { throttle } from './throttle.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('first visit on a 10 Mbit/s, 40 ms link: ready with the engine, network and index alone; the reference pictures follow and are all kept', async () => {
  const link = await throttle(SITE, { bitsPerSecond: 10e6, rttMs: 40 });
  const { context, page } = await open(browser);
  try {
    const t0 = performance.now();
    await page.goto(link.url);
    await page.waitForSelector('#engine.ready, #engine.failed', { timeout: 120_000 });
    // Read as soon as the test sees the page ready: an upper bound (a
    // picture asked for meanwhile may have begun to come).
    let readyBytes = link.bytes();
    const readyMs = performance.now() - t0;
    assert.ok(await page.$('#engine.ready'), await page.textContent('#engine-text'));
    const site = await (await fetch(new URL('site.json', SITE))).json();
    const credits = await (await fetch(new URL('refs/attribution.json', SITE))).json();
    const isPicture = (r) => /^\/refs\/[^/]+\.jpg$/.test(r.path);
    const firstPicture = link.requests.find(isPicture);
    // The page asks for the pictures once it is ready: what had come by
    // the first one's request is a closer bound.
    if (firstPicture) readyBytes = Math.min(readyBytes, firstPicture.bytes);
    // What a first visit needs before it is usable: the engine, the
    // index and the first network as they travel (the server sends the
    // build's gzipped copy where there is one).
    const travels = (f) => {
      const p = path.join(process.env.SITE_DIR, f.url);
      return statSync(existsSync(`${p}.gz`) ? `${p}.gz` : p).size;
    };
    const needed = [site.engine, site.index, site.backbones[0].weights].reduce((n, f) => n + travels(f), 0);
    console.log(`first visit on 10 Mbit/s, 40 ms: ready after ${(readyMs / 1000).toFixed(1)} s with at most ${(readyBytes / 1e6).toFixed(2)} MB received;`
      + ` the engine, index and network travel as ${(needed / 1e6).toFixed(2)} MB`);
    // No reference picture was asked for before the engine, network and
    // index had come (the page asks for them once it is ready)...
    assert.ok(!firstPicture || firstPicture.bytes >= needed, `a reference picture was asked for after ${firstPicture?.bytes} bytes, before the engine, network and index (${needed}): ${firstPicture?.path}`);
    // ...and the page needed no more than those files and its own small
    // files (under 300 kB with the headers).
    assert.ok(readyBytes <= needed + 300e3, `${readyBytes} bytes before ready, more than the engine, network and index (${needed}) and the page`);
    assert.ok(readyBytes >= needed, `only ${readyBytes} bytes through the link before ready, less than the engine, network and index: the page did not come through it`);

    // The pictures then come in the background, the privacy line says how
    // far, and once all are in the page works offline with every one.
    await page.waitForFunction(() => /being kept in the background: \d+ of \d+ so far/.test(document.querySelector('#privacy-text').textContent) || document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 120_000 });
    assert.match(await page.textContent('#privacy-text'), new RegExp(`and the ${credits.length} reference pictures, for offline use\\. It now works without a connection`));
    const kept = await page.evaluate(async () => {
      const c = await caches.open('sentiment-page-v1');
      return (await c.keys()).map((r) => new URL(r.url).pathname).filter((p) => /^\/refs\/[^/]+\.jpg$/.test(p)).sort();
    });
    assert.deepEqual(kept, credits.map((r) => `/refs/${r.picture}`).sort());
    const pictures = link.requests.filter(isPicture).length;
    assert.equal(pictures, credits.length, 'each reference picture fetched once');
    console.log(`then the ${pictures} reference pictures kept, ${(link.bytes() / 1e6).toFixed(2)} MB received in all`);
  } finally {
    await context.close();
    await link.close();
  }
});
