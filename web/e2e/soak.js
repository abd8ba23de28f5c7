// A long session in one page, as a person who keeps at it would have one:
// transfer after transfer over the assets' photos and the collection's
// moods, a cancel every 5th run, a strength move and a JPEG export every
// 10th, with the renderer's memory read after each run. soak.test.js runs
// a short one in CI; run the long one with
//
//	SITE_URL=http://127.0.0.1:8080/ node web/e2e/soak.js [runs] [iterations]
//
// (500 runs of 5 iterations unless given), which
// prints a Markdown table of the figures; SOAK_NETWORK=1 turns on the
// DevTools Network domain as Playwright does, which keeps every response
// body in the renderer. Linux only: the renderer's
// memory is read from /proc. The browser is driven over the bare DevTools
// protocol (cdp.js), not Playwright, whose Network domain keeps every
// response body in the renderer and would be most of what is measured.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetPath } from './helpers.js';
import { launchBare, openBare } from './cdp.js';

const MiB = 2 ** 20;

/**
 * rendererMemory returns the anonymous resident memory (RssAnon: what the
 * processes allocated themselves, not the files they map) of the
 * browser's renderer processes together, in bytes: the page, its workers,
 * its service worker and their canvases and bitmaps live there.
 */
export async function rendererMemory(browser) {
  const { processInfo } = await browser.send('SystemInfo.getProcessInfo');
  let total = 0;
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    try {
      total += Number(/^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1] || 0) * 1024;
    } catch {
      // gone meanwhile (a spare renderer)
    }
  }
  return total;
}

/**
 * settle collects the garbage of the page, its workers and the service
 * worker (gc() is exposed to them) and tells the page memory is short, as
 * a browser would before giving up a tab, and waits a moment: what is left
 * is what is held. (A busy service worker's garbage waits for its own
 * collection, or for the worker to be stopped once idle, 30 s.)
 */
export async function settle(browser, page) {
  await page.evaluate(() => globalThis.gc?.());
  await page.workers(() => globalThis.gc?.());
  await page.serviceWorkers(() => globalThis.gc?.());
  await browser.send('Memory.simulatePressureNotification', { level: 'critical' }, page.session);
  await page.evaluate(() => globalThis.gc?.());
  await new Promise((r) => setTimeout(r, 300));
}

/** photos returns the assets' input photos (the first n by name). */
export function photos(n = 13) {
  const dir = path.dirname(assetPath('inputs/catalog.tsv'));
  return readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().slice(0, n).map((f) => path.join(dir, f));
}

/**
 * startSoak launches Chromium with the site loaded and ready (its pictures
 * kept for offline use, so that the first visit's downloads are done) and
 * resolves to {browser, page, close}. With network, the DevTools Network
 * domain is enabled on the page, its worker and the service worker, as
 * Playwright enables it: to measure what that costs the renderer.
 */
export async function startSoak(site, { network = false } = {}) {
  const browser = await launchBare();
  const downloads = mkdtempSync(path.join(os.tmpdir(), 'soak-downloads-'));
  await browser.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  const close = async () => {
    await browser.close();
    rmSync(downloads, { recursive: true, force: true });
  };
  try {
    const page = await openBare(browser, site);
    await page.waitFor(() => document.querySelector('#engine.ready, #engine.failed'), [], 120_000);
    if (await page.evaluate(() => !!document.querySelector('#engine.failed'))) throw new Error(`engine failed: ${await page.evaluate(() => document.querySelector('#engine-text').textContent)}`);
    await page.waitFor(() => document.querySelector('#privacy').dataset.offline === 'ready', [], 600_000);
    if (network) {
      for (const s of page.sessions()) await browser.send('Network.enable', {}, s);
      const { targetInfos } = await browser.send('Target.getTargets');
      for (const t of targetInfos.filter((x) => x.type === 'service_worker')) {
        const { sessionId } = await browser.send('Target.attachToTarget', { targetId: t.targetId, flatten: true });
        await browser.send('Network.enable', {}, sessionId);
      }
    }
    return { browser, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * soak runs runs transfers in page (ready) over the photos and the first
 * moods of the collection, and returns {runs: [{run, kind, ms, memory,
 * wasm, heap}], errors}: kind is 'done', 'cancelled' or 'exported', memory
 * the renderer's after the run (rendererMemory). iterations, if not 0,
 * sets each run's length. each, if given, gets each run's record.
 */
export async function soak(browser, page, { runs, iterations = 0, inputs = photos(), moods = 6, each = () => {} }) {
  const all = await page.evaluate(() => [...document.querySelectorAll('#moods input[name=mood]')].map((i) => i.value));
  const chosen = all.slice(0, moods);
  if (chosen.length === 0) throw new Error('the site has no moods');
  if (iterations) await page.evaluate((n) => { document.querySelector('#iterations').value = String(n); }, iterations);
  // Errors the page reports or leaves unhandled fail the soak.
  await page.evaluate(() => {
    window.__soakErrors = [];
    const error = console.error.bind(console);
    console.error = (...a) => { window.__soakErrors.push(a.join(' ')); error(...a); };
    window.addEventListener('error', (e) => window.__soakErrors.push(e.message));
    window.addEventListener('unhandledrejection', (e) => window.__soakErrors.push(String(e.reason)));
  });
  const records = [];
  let photo = -1;
  for (let run = 0; run < runs; run++) {
    // A photo for every round of the moods.
    const p = Math.floor(run / chosen.length) % inputs.length;
    if (p !== photo) {
      photo = p;
      const name = path.basename(inputs[p]);
      await page.evaluate((b64, n) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], n, { type: n.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
        document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, readFileSync(inputs[p]).toString('base64'), name);
      await page.waitFor((n) => document.querySelector('#photo-info')?.textContent.startsWith(n), [name]);
    }
    const mood = chosen[run % chosen.length];
    await page.evaluate((m) => document.querySelector(`input[name=mood][value="${m}"]`).click(), mood);
    await page.waitFor((m) => window.sentimentDebug.state.adjective === m && window.sentimentDebug.state.reference && !document.querySelector('#start').disabled, [mood]);
    const t = Date.now();
    await page.evaluate(() => document.querySelector('#start').click());
    let kind = 'done';
    let cancelMs = 0;
    if (run % 5 === 2) {
      // A cancel once the run is under way.
      await page.waitFor(() => /^Iteration/.test(document.querySelector('#run-text').textContent));
      const c = Date.now();
      await page.evaluate(() => document.querySelector('#cancel').click());
      await page.waitFor(() => !window.sentimentDebug.state.running);
      cancelMs = Date.now() - c;
      const text = await page.evaluate(() => document.querySelector('#run-text').textContent);
      if (!/^Cancelled/.test(text)) throw new Error(`run ${run}: not cancelled: ${text}`);
      kind = 'cancelled';
    } else {
      await page.waitFor(() => !document.querySelector('#dl-jpeg').disabled || !document.querySelector('#run-error').hidden, [], 10 * 60_000);
      const error = await page.evaluate(() => !document.querySelector('#run-error').hidden && document.querySelector('#run-error').textContent);
      if (error) throw new Error(`run ${run}: ${error}`);
      if (run % 10 === 9) {
        // The strength moved, and the full-size JPEG.
        await page.evaluate(() => {
          const s = document.querySelector('#strength');
          s.value = '60';
          s.dispatchEvent(new Event('input', { bubbles: true }));
        });
        await page.waitFor(() => window.sentimentDebug.metrics.strengthDrawn === 0.6);
        const saved = await page.evaluate(() => window.sentimentDebug.saved);
        await page.evaluate(() => document.querySelector('#dl-jpeg').click());
        await page.waitFor((before) => window.sentimentDebug.saved && window.sentimentDebug.saved !== before && !window.sentimentDebug.state.exporting, [saved], 5 * 60_000);
        kind = 'exported';
      }
    }
    const ms = Date.now() - t;
    const m = await page.evaluate(() => ({ wasm: window.sentimentDebug.metrics.transfer?.wasmBytes || 0, heap: performance.memory?.usedJSHeapSize || 0, errors: window.__soakErrors }));
    if (m.errors.length) throw new Error(`run ${run}: the page reported ${m.errors.join(' | ')}`);
    const rec = { run, kind, ms, cancelMs, memory: await rendererMemory(browser), wasm: m.wasm, heap: m.heap };
    if (run % 5 === 4) {
      // Every 5th, also what is held once the garbage is collected.
      await settle(browser, page);
      rec.settled = await rendererMemory(browser);
    }
    records.push(rec);
    each(rec);
  }
  return records;
}

/** slope is the least-squares growth of y per step of x over points [x, y]. */
export function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : 0;
}

// The long soak, run as a program.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const runs = Number(process.argv[2]) || 500;
  // Five iterations unless given: the default of none gives a cancel
  // nothing to stop in the middle of (the soak waited for an iteration).
  const iterations = Number(process.argv[3]) || 5;
  // SOAK_NETWORK=1: with the Network domain on, as a Playwright soak has it.
  const { browser, page, close } = await startSoak(process.env.SITE_URL, { network: !!process.env.SOAK_NETWORK });
  const recs = await soak(browser, page, {
    runs,
    iterations,
    each: (r) => {
      if (r.run % 10 === 9) console.error(`run ${r.run + 1}: ${r.kind} in ${r.ms} ms, renderer ${(r.memory / MiB).toFixed(0)} MiB (${(r.settled / MiB).toFixed(0)} collected), wasm ${(r.wasm / MiB).toFixed(0)} MiB, page heap ${(r.heap / MiB).toFixed(1)} MiB`);
    },
  });
  const ms = (rs) => rs.filter((r) => r.kind !== 'cancelled').map((r) => r.ms).sort((a, b) => a - b);
  const median = (v) => v[v.length >> 1];
  const cancels = recs.filter((r) => r.kind === 'cancelled').map((r) => r.cancelMs).sort((a, b) => a - b);
  const half = recs.slice(recs.length >> 1);
  console.log(`${runs} transfers${iterations ? ` of ${iterations} iterations` : ''} in one page (${photos().length} photos, 6 moods, a cancel every 5th run, a strength move and a JPEG export every 10th), Chromium driven over the bare DevTools protocol.\n`);
  console.log('| runs | renderer memory (RssAnon) after the run, MiB | the same, garbage collected, MiB | engine (wasm) heap, MiB | page JS heap, MiB | transfer median, ms |\n|---|---|---|---|---|---|');
  for (let i = 49; i < recs.length; i += 50) {
    const r = recs[i];
    console.log(`| ${i + 1} | ${(r.memory / MiB).toFixed(0)} | ${(r.settled / MiB).toFixed(0)} | ${(r.wasm / MiB).toFixed(0)} | ${(r.heap / MiB).toFixed(1)} | ${median(ms(recs.slice(i - 49, i + 1)))} |`);
  }
  const settled = half.filter((r) => r.settled);
  console.log(`\nRenderer memory, garbage collected, over the second half: ${(slope(settled.map((r) => [r.run, r.settled])) / 1024).toFixed(0)} KiB a run (least squares), from ${(Math.min(...settled.map((r) => r.settled)) / MiB).toFixed(0)} to ${(Math.max(...settled.map((r) => r.settled)) / MiB).toFixed(0)} MiB; after each run ${(Math.min(...half.map((r) => r.memory)) / MiB).toFixed(0)} to ${(Math.max(...half.map((r) => r.memory)) / MiB).toFixed(0)} MiB.`);
  console.log(`Transfers: median ${median(ms(recs))} ms; ${cancels.length} cancels, median ${median(cancels)} ms from the click to the run stopped; no error on the page.`);
  await close();
}
