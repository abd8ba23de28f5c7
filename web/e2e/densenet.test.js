// DenseNet121, the paper's network, as a choice in the settings, in a real
// headless Chromium: its download size said before it is chosen, one
// download when chosen (none on the first visit), a time measured on this
// device before the run, a transfer whose result differs from SqueezeNet's,
// kept for the next visit and for offline use; a tampered or cancelled
// download refused and said so while SqueezeNet keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SITE, assetPath, launch, open, ready, noUpload, metrics, serve, tamper } from './helpers.js';

const photo = assetPath('inputs/kodim16.jpg');
const site = await (await fetch(new URL('site.json', SITE))).json();
const dense = site.backbones.find((b) => b.name === 'densenet121');
const squeeze = site.backbones[0];
const mb = (n) => (n < 1e6 ? `${(n / 1e3).toFixed(0)} kB` : `${(n / 1e6).toFixed(1)} MB`);
const esc = (s) => s.replace(/[.()]/g, '\\$&');
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// photoAndMood gives the page the photo and the mood "misty" and waits for
// the preselected reference.
async function photoAndMood(page) {
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForSelector('#refs .ref');
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
}

// settings opens the settings and sets a short, small run.
async function settings(page, iterations) {
  if (!(await page.isVisible('#iterations'))) await page.click('.settings summary');
  await page.selectOption('#size', '128');
  await page.fill('#iterations', String(iterations));
}

// transfer runs the chosen network to the end.
async function transfer(page, iterations) {
  const dense = (await page.$eval('#backbone', (s) => s.value)) === 'densenet121';
  await page.click('#start');
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 300_000 });
  assert.match(await page.textContent('#run-text'), new RegExp(`Done: “misty” from misty \\w+, ${iterations} iterations${dense ? ' with DenseNet121' : ''} in`));
}

// keep keeps a copy of a canvas's pixels in the page under name (pixels
// stay in the page: sending millions of numbers to node is slow).
function keep(page, sel, name) {
  return page.$eval(sel, (c, n) => {
    window.kept = window.kept || {};
    window.kept[n] = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  }, name);
}

// meanDiff returns the mean absolute difference per channel of two kept copies.
function meanDiff(page, a, b) {
  return page.evaluate(([a, b]) => {
    const x = window.kept[a];
    const y = window.kept[b];
    if (x.length !== y.length) throw new Error(`${a} and ${b} differ in size`);
    let d = 0;
    for (let i = 0; i < x.length; i++) d += Math.abs(x[i] - y[i]);
    return d / x.length;
  }, [a, b]);
}

// strength sets the result's strength to pct and waits for the worker's
// exact rendering.
async function strength(page, pct) {
  await page.fill('#strength', String(pct));
  await page.waitForFunction((v) => window.sentimentDebug.metrics.strengthDrawn === v, pct / 100);
}

// chosen waits until the chosen network is built and ready.
function chosen(page) {
  return page.waitForFunction(() => /It is ready, and kept on this device/.test(document.querySelector('#net-text').textContent), null, { timeout: 120_000 });
}

// failLater holds the DenseNet121 weights' download of context (served
// as before until now) until the function it returns is called, and then
// fails it, as a connection lost.
async function failLater(context) {
  await context.unroute('**/models/densenet121.weights');
  let fail;
  const failing = new Promise((r) => { fail = r; });
  await context.route('**/models/densenet121.weights', async (route) => {
    await failing;
    await route.abort().catch(() => {});
  });
  return fail;
}

const fetched = (log, f) => log.filter((r) => r.url.endsWith('/' + f.url) && !r.failed).length;

test('site.json lists DenseNet121 after SqueezeNet', () => {
  assert.ok(dense, `no densenet121 in ${site.backbones.map((b) => b.name)}`);
  assert.equal(squeeze.name, 'squeezenet_v1.1');
});

test('DenseNet121: its size said, downloaded once when chosen, timed on this device before the run, a result of its own, kept for the next visit and offline', async (t) => {
  const server = await serve();
  const log = [];
  const { context, page } = await open(browser, log);
  try {
    await ready(page, server.url);
    await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 120_000 });
    await page.settle();
    assert.equal(fetched(log, dense.weights), 0, 'the first visit fetched DenseNet121');
    await settings(page, 5);
    // Its download size, from site.json, before it is chosen.
    const options = await page.$$eval('#backbone option', (os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options.map((o) => o[0]), site.backbones.map((b) => b.name));
    assert.match(options[1][1], new RegExp(`^DenseNet121 — the paper’s network, slower \\(${esc(mb(dense.weights.size))} download\\)$`));
    // The networks' labels and credits are the build's (site.json), a link kept.
    assert.match(options[0][1], /^SqueezeNet 1\.1 — fast$/);
    assert.deepEqual(site.backbones.map((b) => b.label), ['SqueezeNet 1.1', 'DenseNet121']);
    const credits = await page.textContent('#credits-networks');
    for (const b of site.backbones) assert.ok(credits.includes(b.credits.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')), `the page's credits lack ${b.label}'s: ${credits}`);
    assert.equal(await page.getAttribute('#credits-networks a', 'href'), 'https://github.com/carlthome/tfjs-gradcam');
    await photoAndMood(page);
    await transfer(page, 5);
    await keep(page, '#after', 'squeezenet');
    await keep(page, '#before', 'photo');
    await strength(page, 50);
    await keep(page, '#after', 'half');

    // Chosen: downloaded with its progress, checked, built.
    await page.selectOption('#backbone', 'densenet121');
    await chosen(page);
    await page.settle();
    assert.equal(fetched(log, dense.weights), 1, 'DenseNet121 was not fetched exactly once');
    assert.match(await page.textContent('#backbone option[value=densenet121]'), /\(on this device\)$/);
    // Its time, measured here on this photo and reference before the run.
    await page.waitForFunction(() => /^Measured on this device: /.test(document.querySelector('#net-estimate').textContent), null, { timeout: 120_000 });
    const probe = (await metrics(page)).probe;
    assert.equal(probe.name, 'densenet121');
    assert.equal(probe.size, 128);
    assert.ok(probe.perIteration > 0 && probe.first > 0 && probe.preview >= 0 && probe.previewEvery > 0, JSON.stringify(probe));
    // The page's words are the probe's figures: per iteration, and in all
    // (setup, iterations, and the previews a run shows).
    const [, per, total, unit] = /^Measured on this device: ([\d.]+) s an iteration at 128 px, so 5 iterations take about ([\d.]+) (s|min)\.$/.exec(await page.textContent('#net-estimate'));
    assert.ok(Math.abs(Number(per) - probe.perIteration / 1000) <= 0.06 * Math.max(1, Number(per)), `${per} s, probe ${JSON.stringify(probe)}`);
    const want = (probe.first + 4 * probe.perIteration + Math.ceil(5 / probe.previewEvery) * probe.preview) / (unit === 'min' ? 60_000 : 1000);
    assert.ok(Math.abs(Number(total) - want) <= 0.06 * Math.max(1, want) + (unit === 'min' ? 0.51 : 0), `${total} ${unit}, want ${want}`);
    // No iteration asked for: no total is made up from the probe's first
    // step, which is mostly setup.
    await page.fill('#iterations', '0');
    assert.match(await page.textContent('#net-estimate'), /^Measured on this device: [\d.]+ s an iteration at 128 px; no iteration is asked for, so the network only places the mood’s light/);
    await page.fill('#iterations', '5');
    assert.match(await page.textContent('#net-estimate'), /so 5 iterations take about/);
    // The probe left the engine's last result alone: SqueezeNet's, redrawn
    // by the worker at a strength, is as it was.
    await strength(page, 40);
    await strength(page, 50);
    await keep(page, '#after', 'half again');
    assert.equal(await meanDiff(page, 'half again', 'half'), 0, 'the probe replaced the last result');
    await transfer(page, 5);
    await keep(page, '#after', 'densenet');
    const d = await meanDiff(page, 'densenet', 'squeezenet');
    t.diagnostic(`mean difference per channel, DenseNet121's result from SqueezeNet's: ${d.toFixed(2)}`);
    assert.ok(d > 1, `DenseNet121's result differs from SqueezeNet's by ${d.toFixed(2)} per channel`);
    assert.ok(await meanDiff(page, 'densenet', 'photo') > 1, 'DenseNet121 left the photo as it was');
    // The privacy line counts both networks' weights.
    const kept = site.engine.size + (site.index?.size || 0) + squeeze.weights.size + dense.weights.size;
    await page.waitForFunction((t) => document.querySelector('#privacy-text').textContent.includes(t), `its engine, 2 networks and reference index (${mb(kept)})`);

    // The next visit: it is on this device; choosing it downloads nothing.
    log.length = 0;
    await page.reload();
    await page.waitForSelector('#engine.ready', { timeout: 60_000 });
    assert.match(await page.textContent('#backbone option[value=densenet121]'), /\(on this device\)$/);
    await page.waitForFunction((t) => document.querySelector('#privacy-text').textContent.includes(t), `its engine, 2 networks and reference index (${mb(kept)})`);
    await page.click('.settings summary');
    await page.selectOption('#backbone', 'densenet121');
    await chosen(page);
    await page.settle();
    assert.equal(fetched(log, dense.weights), 0, 'the next visit fetched DenseNet121 again');
    noUpload(log, server.url);
  } finally {
    await server.stop();
  }
  // Offline: no server at all, and DenseNet121 still runs.
  await assert.rejects(fetch(server.url));
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  await settings(page, 2);
  await page.selectOption('#backbone', 'densenet121');
  await chosen(page);
  await photoAndMood(page);
  await transfer(page, 2);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a tampered DenseNet121 download is refused, a cancelled one stops; both say so and SqueezeNet keeps working', async () => {
  const log = [];
  const { context, page } = await open(browser, log);
  const served = await tamper(context, '**/models/densenet121.weights');
  await ready(page);
  await settings(page, 2);
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForSelector('#net-error:not([hidden])', { timeout: 60_000 });
  assert.equal(served(), 1);
  assert.match(await page.textContent('#net-error'), /The densenet121 weights failed its integrity check.*tampered with; nothing of it was used\. SqueezeNet 1\.1 is used; choose DenseNet121 again to retry\./);
  assert.equal(await page.$eval('#backbone', (s) => s.value), squeeze.name);
  assert.match(await page.textContent('#backbone option[value=densenet121]'), /download\)$/);

  // A download that does not end: cancelled from the page.
  const release = await failLater(context);
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForSelector('#net-cancel:not([hidden])');
  assert.ok(await page.isVisible('#net-progress'));
  await page.click('#net-cancel');
  await page.waitForFunction(() => /was cancelled; nothing of it was kept\. SqueezeNet 1\.1 is used\./.test(document.querySelector('#net-error').textContent), null, { timeout: 15_000 });
  assert.equal(await page.$eval('#backbone', (s) => s.value), squeeze.name);
  assert.ok(await page.isHidden('#net-cancel'));

  // SqueezeNet runs.
  await photoAndMood(page);
  await transfer(page, 2);

  // A run of DenseNet121 waits for its download: cancelled meanwhile, it
  // stops at once with the engine kept, and the result from before comes
  // back; the download goes on until it is cancelled itself.
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForSelector('#net-cancel:not([hidden])');
  await page.click('#start');
  await page.waitForFunction(() => /Preparing/.test(document.querySelector('#run-text').textContent));
  await page.click('#cancel');
  await page.waitForFunction(() => /result from before is back/.test(document.querySelector('#run-text').textContent), null, { timeout: 15_000 });
  assert.ok(await page.isVisible('#net-cancel'), 'the download stopped with the run');
  await page.click('#net-cancel');
  await page.waitForFunction(() => /was cancelled/.test(document.querySelector('#net-error').textContent), null, { timeout: 15_000 });
  release();

  // A run of DenseNet121 whose download fails says why, and the result
  // from before stays: the engine still has it.
  const fail = await failLater(context);
  await page.selectOption('#backbone', 'densenet121');
  await page.waitForSelector('#net-cancel:not([hidden])');
  await page.click('#start');
  await page.waitForFunction(() => /Preparing/.test(document.querySelector('#run-text').textContent));
  fail();
  await page.waitForSelector('#run-error:not([hidden])', { timeout: 15_000 });
  assert.match(await page.textContent('#run-error'), /densenet121 weights/);
  await page.waitForSelector('#dl-png:not([disabled])', { timeout: 15_000 });
  assert.ok(await page.isVisible('#after'), 'the result from before is not shown');
  assert.match(await page.textContent('#strength-out'), /^\d+%$/);

  // Chosen again with the real file: a retry succeeds.
  await context.unroute('**/models/densenet121.weights');
  await page.selectOption('#backbone', 'densenet121');
  await chosen(page);
  assert.ok(await page.isHidden('#net-error'));
  assert.deepEqual(page.errors || [], []);
  await page.settle();
  noUpload(log);
  await context.close();
});
