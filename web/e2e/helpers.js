// Shared pieces of the browser tests: the browser, a page that logs every
// request it and its worker make, a server of one's own to stop, the
// network log's checks, the assets folder, and image headers.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const SITE = process.env.SITE_URL;
if (!SITE) throw new Error('SITE_URL is not set: run the tests with web/e2e/run.sh');

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** assetPath returns the path of rel inside the assets folder. */
export function assetPath(rel) {
  const roots = [process.env.SENTIMENT_ASSETS, path.join(repo, '..', 'shared', 'assets')].filter(Boolean);
  for (const r of roots) {
    const p = path.join(r, rel);
    if (existsSync(p)) return p;
  }
  throw new Error(`${rel} is in no assets folder (${roots.join(', ')}); set SENTIMENT_ASSETS`);
}

/** launch starts Chromium headless with a fresh profile. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * open makes a new page in context (or a fresh context of browser) that
 * records every request, the worker's included, into log: {method, url,
 * postData, bytes} where bytes is the response's encoded body size.
 */
export async function open(browserOrContext, log = [], viewport = { width: 1280, height: 900 }) {
  const context = browserOrContext.newContext ? await browserOrContext.newContext({ viewport, acceptDownloads: true }) : browserOrContext;
  const page = await context.newPage();
  const pending = [];
  context.on('requestfinished', (req) => {
    pending.push(req.sizes().then((s) => log.push({
      method: req.method(), url: req.url(), postData: req.postDataBuffer(), bytes: s.responseBodySize, headers: s.responseHeadersSize, status: null,
    })).catch(() => {}));
  });
  context.on('requestfailed', (req) => log.push({ method: req.method(), url: req.url(), postData: req.postDataBuffer(), bytes: 0, failed: true }));
  page.settle = () => Promise.all(pending);
  page.on('pageerror', (e) => { page.errors = [...(page.errors || []), e]; });
  return { context, page };
}

/** ready loads the site and waits for the engine. */
export async function ready(page, url = SITE) {
  await page.goto(url);
  await page.waitForSelector('#engine.ready, #engine.failed', { timeout: 120_000 });
  const failed = await page.$('#engine.failed');
  if (failed) throw new Error(`engine failed: ${await page.textContent('#engine-text')}`);
}

/** imageSize reads the width and height from a PNG or JPEG's header. */
export function imageSize(buf) {
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { type: 'png', w: buf.readUInt32BE(16), h: buf.readUInt32BE(20) };
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) throw new Error(`JPEG: no marker at ${i}`);
      const m = buf[i + 1];
      const len = buf.readUInt16BE(i + 2);
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
        return { type: 'jpeg', h: buf.readUInt16BE(i + 5), w: buf.readUInt16BE(i + 7) };
      }
      i += 2 + len;
    }
  }
  throw new Error('not a PNG or JPEG');
}

/**
 * serve starts a server of the built site of its own (run.sh builds it) on
 * a free loopback port and resolves to {url, stop}: a test that stops it
 * sees the page with no server at all.
 */
export function serve() {
  const bin = process.env.SERVE_BIN;
  if (!bin || !process.env.SITE_DIR) throw new Error('SERVE_BIN and SITE_DIR are not set: run the tests with web/e2e/run.sh');
  const p = spawn(bin, ['-addr', '127.0.0.1:0', '-dir', process.env.SITE_DIR], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    p.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
    p.stdout.on('data', (d) => {
      out += d;
      const m = /^serving .* at (http:\S+)$/m.exec(out);
      if (m) {
        resolve({
          url: m[1],
          stop: () => new Promise((done) => {
            p.removeAllListeners('exit');
            p.on('exit', () => done());
            p.kill();
          }),
        });
      }
    });
  });
}

/**
 * noUpload checks a network log: only GETs of the site's own files, no
 * bodies, no queries (a photo could hide in none of them).
 */
export function noUpload(log, site = SITE) {
  assert.ok(log.length > 5, `only ${log.length} requests were logged`);
  const origin = new URL(site).origin;
  for (const r of log) {
    // A blob: URL names memory of the page itself (the own reference's
    // picture shown): nothing travels.
    if (r.url.startsWith('blob:')) continue;
    assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
    assert.ok(!r.postData || r.postData.length === 0, `${r.url} carried a body`);
    const u = new URL(r.url);
    assert.equal(u.origin, origin, `request to another origin: ${r.url}`);
    assert.equal(u.search, '', `request with a query: ${r.url}`);
    assert.match(u.pathname, /^\/(|index\.html|sw\.js|site\.json|wasm_exec\.js|engine\.wasm|web\/[\w.-]+|models\/[\w.]+|refs\/[\w.-]+)$/, u.pathname);
  }
}

/**
 * tamper serves the files of context matching glob with one byte flipped
 * in the middle, as a damaged or tampered download, and returns a function
 * that counts the files so served.
 */
export async function tamper(context, glob) {
  let served = 0;
  await context.route(glob, async (route) => {
    served++;
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[body.length >> 1] ^= 0xff;
    await route.fulfill({ response: res, body });
  });
  return () => served;
}

/** metrics returns the figures the page measured (its debug object). */
export function metrics(page) {
  return page.evaluate(() => window.sentimentDebug.metrics);
}

/**
 * patchWorker serves the page's worker with prelude run before its own
 * code (a test's stand-in for a slower or different browser). The context
 * must block service workers, or they would answer without the route.
 */
export function patchWorker(context, prelude) {
  return context.route('**/web/worker.js', async (route) => {
    const res = await route.fetch();
    const body = `${prelude}\n${await res.text()}`;
    await route.fulfill({ response: res, body, headers: { ...res.headers(), 'content-encoding': 'identity' } });
  });
}

/**
 * forceScalarEngine serves the page's worker with a WebAssembly.validate
 * that rejects every module, so that the worker picks the scalar engine as
 * in a browser without WebAssembly SIMD.
 */
export function forceScalarEngine(context) {
  return patchWorker(context, 'WebAssembly.validate = () => false;');
}

/** png returns a w×h greyscale PNG: flat grey, or grey(x, y) (0 to 255) at each pixel. */
export function png(w, h, grey = null) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, 0x80);
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = 0; // filter: none
    if (grey) for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = grey(x, y);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
