// The page in WebKit (the engine of Safari and of every iPhone browser):
// Debian's WebKitGTK MiniBrowser over WebDriver (webkit.js), under
// xvfb-run. Loading with the SIMD engine, the picker, a mood, a transfer,
// the strength slider by keyboard, the full-size JPEG and PNG, offline use
// with the server stopped, and an iPhone-sized window (SHOTS=folder saves
// its screenshots). The Chromium tests cover the rest in depth;
// these check that the same page works here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SITE, assetPath, imageSize, serve } from './helpers.js';
import { Key, startDriver } from './webkit.js';
import { PHONE, reachable, save, small, tiny } from './phone.js';

const photo = assetPath('inputs/kodim16.jpg');
const { w: W, h: H } = imageSize(readFileSync(photo));
let driver;

before(async () => {
  driver = await startDriver();
});
after(async () => {
  await driver?.stop();
});

// ready loads the page at url and waits for the engine.
async function ready(s, url) {
  await s.goto(url);
  await s.until(() => document.querySelector('#engine.ready, #engine.failed'));
  const failed = await s.eval(() => document.querySelector('#engine.failed') && document.querySelector('#engine-text').textContent);
  if (failed) throw new Error(`engine failed: ${failed}`);
}

// transfer takes the photo by the picker, clicks the last mood and runs
// three iterations; it returns the mood.
async function transfer(s) {
  await s.type('#photo-input', photo);
  await s.until(() => !document.querySelector('#photo-info').hidden);
  assert.match(await s.eval(() => document.querySelector('#photo-info').textContent), new RegExp(`^kodim16\\.jpg — ${W} × ${H} px`));
  const mood = await s.eval(() => [...document.querySelectorAll('#moods input[name=mood]')].at(-1).value);
  await s.click(`label.chip:has(input[value="${mood}"])`);
  await s.until(() => [...document.querySelectorAll('#refs img')].length > 0 && [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0));
  await s.until(() => !document.querySelector('#start').disabled);
  await s.click('.settings summary');
  await s.eval(() => { document.querySelector('#iterations').value = '3'; });
  await s.click('#start');
  await s.until(() => !document.querySelector('#dl-jpeg').disabled, null, 180_000);
  assert.match(await s.eval(() => document.querySelector('#run-text').textContent), /Done: .* 3 iterations/);
  return mood;
}

// saved clicks the download button css and returns the file the page gave
// the browser: its name, size and first bytes (its header).
async function saved(s, css) {
  const before = await s.eval(() => window.sentimentDebug.saved?.blob);
  await s.click(css);
  await s.until((b) => window.sentimentDebug.saved && window.sentimentDebug.saved.blob !== b && !document.querySelector('#dl-jpeg').disabled, before);
  const f = await s.eval(async () => {
    const { name, blob } = window.sentimentDebug.saved;
    const head = new Uint8Array(await blob.slice(0, 1 << 16).arrayBuffer());
    let bin = '';
    for (const b of head) bin += String.fromCharCode(b);
    return { name, size: blob.size, head: btoa(bin), text: document.querySelector('#dl-text').textContent };
  });
  return { ...f, head: Buffer.from(f.head, 'base64') };
}

// pixels returns a checksum of the result canvas, to tell one rendering from another.
function pixels(s) {
  return s.eval(() => {
    const c = document.querySelector('#after');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
    return h;
  });
}

test('WebKit: load with the SIMD engine, picker, mood, transfer, slider, full-size JPEG and PNG', async () => {
  const s = await driver.session();
  try {
    const site = await (await fetch(new URL('site.json', SITE))).json();
    await ready(s, SITE);
    assert.match(await s.eval(() => navigator.userAgent), /AppleWebKit\/.* Safari\//);
    // WebKit has WebAssembly SIMD: the page runs the SIMD engine, not the scalar fallback.
    assert.equal(await s.eval(() => window.sentimentDebug.metrics.engine), site.engine.url);
    assert.match(await s.eval(() => document.querySelector('#privacy').textContent), /never uploaded/);
    const mood = await transfer(s);
    // The result opens at the network's suggested strength; Home then
    // takes the slider, by keyboard, to none, and the exact rendering is
    // drawn at that strength.
    const opened = await pixels(s);
    await s.type('#strength', Key.HOME);
    await s.until(() => window.sentimentDebug.metrics.strengthDrawn === 0 && document.querySelector('#strength-out').value === '0%');
    assert.notEqual(await pixels(s), opened, 'the picture did not change with the strength');
    await s.type('#strength', Key.END);
    await s.until(() => window.sentimentDebug.metrics.strengthDrawn === 1 && document.querySelector('#strength-out').value === '100%');
    const jpeg = await saved(s, '#dl-jpeg');
    assert.equal(jpeg.name, `kodim16-${mood}.jpg`);
    assert.deepEqual(imageSize(jpeg.head), { type: 'jpeg', w: W, h: H });
    assert.match(jpeg.text, new RegExp(`^Saved ${W} × ${H} JPEG`));
    const png = await saved(s, '#dl-png');
    assert.equal(png.name, `kodim16-${mood}.png`);
    assert.deepEqual(imageSize(png.head), { type: 'png', w: W, h: H });
    assert.equal(png.head[25], 2, 'the opaque photo’s PNG is not RGB (colour type 2)');
    // The page is still there (a download does not navigate away).
    assert.equal(await s.eval(() => !!window.sentimentDebug.state.result), true);
  } finally {
    await s.close();
  }
});

test('WebKit: offline after the first visit, with the server stopped', async () => {
  const own = await serve();
  const s = await driver.session();
  try {
    try {
      await ready(s, own.url);
      await s.until(() => document.querySelector('#privacy').dataset.offline === 'ready');
    } finally {
      await own.stop();
    }
    await assert.rejects(fetch(own.url));
    await s.reload();
    await s.until(() => document.querySelector('#engine.ready'), null, 60_000);
    assert.match(await s.eval(() => document.querySelector('#engine-text').textContent), /nothing was downloaded/);
    const mood = await transfer(s);
    const jpeg = await saved(s, '#dl-jpeg');
    assert.equal(jpeg.name, `kodim16-${mood}.jpg`);
    assert.deepEqual(imageSize(jpeg.head), { type: 'jpeg', w: W, h: H });
  } finally {
    await s.close();
  }
});

test('WebKit: a phone-sized window, thumb-sized controls, no tiny text, Start in reach, focus on the result', async () => {
  const { width, height } = PHONE.viewport;
  const s = await driver.session({ width, height });
  try {
    await ready(s, SITE);
    // MiniBrowser's window is 447 px wide at the narrowest (its
    // toolbar's width): a large phone's, with the page's narrow layout.
    const vw = await s.eval(() => innerWidth);
    assert.ok(vw <= 460, `the page is ${vw} px wide`);
    save('webkit-phone-1-ready', await s.screenshot());
    assert.deepEqual(await s.eval(small), []);
    assert.deepEqual(await s.eval(tiny), []);
    await s.type('#photo-input', photo);
    await s.until(() => !document.querySelector('#photo-info').hidden);
    const mood = await s.eval(() => document.querySelector('#moods input[name=mood]').value);
    await s.click(`label.chip:has(input[value="${mood}"]) span`);
    await s.until(() => [...document.querySelectorAll('#refs img')].length > 0 && [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0));
    await s.until(() => !document.querySelector('#start').disabled);
    await s.eval(() => document.querySelector('#refs').scrollIntoView({ block: 'center' }));
    save('webkit-phone-2-references', await s.screenshot());
    assert.ok(await s.eval(reachable), 'Start is not in reach beside the references');
    await s.eval(() => scrollTo(0, document.documentElement.scrollHeight));
    assert.ok(await s.eval(reachable), 'Start is not in reach at the bottom of the page');
    assert.deepEqual(await s.eval(small), []);
    assert.deepEqual(await s.eval(tiny), []);
    // Scrolled to by hand, as a thumb would: WebDriver's own scrolling
    // leaves the summary under the picture that stays at the top.
    await s.eval(() => document.querySelector('.settings summary').scrollIntoView({ block: 'center' }));
    await s.click('.settings summary');
    await s.eval(() => { document.querySelector('#iterations').value = '3'; });
    await s.click('#start');
    await s.until(() => !document.querySelector('#dl-jpeg').disabled, null, 180_000);
    await s.until(() => document.activeElement?.id === 'result-h', null, 10_000, 'the focus on the result');
    await s.eval(() => document.querySelector('#stage').scrollIntoView({ block: 'start' }));
    save('webkit-phone-3-result', await s.screenshot());
  } finally {
    await s.close();
  }
});
