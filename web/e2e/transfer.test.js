// The whole use of the page in a real headless Chromium: a photo, the mood
// "misty", the gallery of references, a short transfer with its live
// preview, the result at the photo's full size with its downloads, a run
// that owns its inputs, transparency kept, a cancel in the middle of a
// run, a tampered download; each test checks that no image left the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SITE, assetPath, launch, open, ready, imageSize, noUpload, metrics, patchWorker, tamper, png } from './helpers.js';

const photo = assetPath('inputs/kodim16.jpg');
const photoBytes = readFileSync(photo);
const { w: W, h: H } = imageSize(photoBytes);
let browser;
// The collection, as the site lists it (its size and moods are not fixed).
const refs = await (await fetch(new URL('refs/attribution.json', SITE))).json();

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// start loads the page with the photo (kodim16 unless given) and the mood
// chosen, and waits for the preselected reference.
async function start(page, input = photo, mood = 'misty') {
  await ready(page);
  await page.setInputFiles('#photo-input', input);
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click(`label.chip:has(input[value=${mood}])`);
  await page.waitForSelector('#refs .ref');
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
}

// finished waits for the run to end and checks that it ended well, and
// with mood's reference (misty unless given) after iterations.
async function finished(page, iterations, mood = 'misty') {
  await page.waitForSelector('#dl-png:not([disabled]), #run-error:not([hidden])', { timeout: 120_000 });
  assert.equal(await page.isHidden('#run-error') || await page.textContent('#run-error'), true);
  assert.match(await page.textContent('#run-text'), new RegExp(`Done: “${mood}” from ${mood} \\w+, ${iterations} iterations`));
}

// late holds the page's messages to the worker back, as a slow device
// would be slow to take them: hold is {type: ms} (the types of request
// held, for how long), from now on; with once, only the next one held.
// window.held says how the last one held goes: 'held', then 'answered'.
function late(page, hold) {
  return page.evaluate((hold) => {
    window.hold = hold;
    if (window.holding) return;
    window.holding = true;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (m, t) {
      const ms = window.hold[m?.type];
      if (!ms) return post.call(this, m, t);
      if (window.hold.once) window.hold = {};
      window.held = 'held';
      this.addEventListener('message', (e) => { if (e.data.id === m.id) window.held = 'answered'; });
      setTimeout(() => post.call(this, m, t), ms);
    };
  }, hold);
}

// strength sets the slider to pct and waits for the worker's exact rendering.
async function strength(page, pct) {
  await page.fill('#strength', String(pct));
  await page.waitForFunction((v) => window.sentimentDebug.metrics.strengthDrawn === v, pct / 100);
}

// instantAndExact returns the result's canvas at pct as the worker renders
// it exactly and as the slider's instant blend draws it alone.
async function instantAndExact(page, pct) {
  await strength(page, pct);
  const exact = await canvasBytes(page, '#after');
  await page.evaluate(() => { window.sentimentDebug.exactStrength = false; });
  await page.fill('#strength', String(pct + 1));
  await page.fill('#strength', String(pct));
  const instant = await canvasBytes(page, '#after');
  await page.evaluate(() => { window.sentimentDebug.exactStrength = true; });
  return { exact, instant };
}

// settings opens the settings and sets a short run.
async function settings(page, iterations) {
  if (!(await page.isVisible('#iterations'))) await page.click('.settings summary');
  await page.selectOption('#size', '256');
  await page.fill('#iterations', String(iterations));
}

// canvasBytes returns the RGBA bytes of a canvas.
function canvasBytes(page, sel) {
  return page.$eval(sel, (c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data));
}

function meanDiff(a, b) {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

test('misty: a gallery of references in plain words, ranked, with credits, the closest preselected', async () => {
  const log = [];
  const { context, page } = await open(browser, log);
  await start(page);
  // Any subject: the network's guess set aside (collection.test.js tests it).
  await page.selectOption('#noun', '');
  await page.waitForFunction(() => /^The \d+ “misty” photos/.test(document.querySelector('#refs-heading').textContent));
  // The moods are grouped by polarity.
  const legends = await page.$$eval('#moods legend', (ls) => ls.map((l) => l.textContent));
  assert.ok(legends.includes('Positive') && legends.includes('Negative'), `groups: ${legends}`);
  const cards = await gallery(page);
  const misty = refs.filter((r) => r.adjective === 'misty');
  assert.equal(cards.length, Math.min(6, misty.length));
  for (const [i, c] of cards.entries()) {
    // A poor match says so (labels.test.js checks which are).
    assert.match(c.score, /^([1-9]\d{0,2}% structure match|little structure in common)( — poor)?$/);
    assert.match(c.tags, /misty/);
    // One short line: author · licence, no notes on where the licence was read.
    assert.match(c.attr, /^[^·]+ · [^·();]+$/, `not author · licence: ${c.attr}`);
    if (i > 0) assert.ok(c.pct <= cards[i - 1].pct, `not in order: ${cards.map((x) => x.pct)}`);
  }
  assert.ok(cards[0].checked && cards[0].best, 'the closest reference is not preselected');
  assert.match(await page.textContent('#refs-heading'), new RegExp(`The ${cards.length} “misty” photos whose structure best matches yours`));
  // The thumbnails load from the site.
  await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 10_000 });
  assert.ok((await metrics(page)).retrieval > 0, 'no retrieval time');
  // Another reference can be picked, by keyboard too.
  if (cards.length > 1) {
    await page.focus('#refs input:checked');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('#refs input')[1].checked);
    await page.waitForFunction(() => !document.querySelector('#start').disabled);
  }
  // A picture of one's own that cannot be used says why and loses
  // nothing: the reference chosen stays, and a run can start with it.
  const kept = await page.evaluate(() => window.sentimentDebug.state.reference?.file);
  const unusable = [
    [{ name: 'cut.jpg', mimeType: 'image/jpeg', buffer: photoBytes.subarray(0, 3000) }, '“cut.jpg” could not be read as a JPEG image'],
    [{ name: 'dot.png', mimeType: 'image/png', buffer: png(8, 8) }, '“dot.png” is 8 × 8 pixels, too small to borrow a mood from: it needs at least 16 pixels on each side'],
  ];
  for (const [file, want] of unusable) {
    await page.setInputFiles('#ref-input', file);
    await page.waitForFunction((w) => document.querySelector('#ref-error').textContent.startsWith(w), want);
    assert.equal(await page.evaluate(() => window.sentimentDebug.state.reference?.file), kept, `${file.name} took the reference away`);
    assert.ok(await page.isEnabled('#start'), `${file.name} disabled Start`);
  }
  // Or the user's own reference.
  await page.setInputFiles('#ref-input', assetPath('refs/bud-desert.jpg'));
  await page.waitForFunction(() => /Using your own reference: bud-desert\.jpg/.test(document.querySelector('#refs-heading').textContent));
  // Structure that rounds to no match at all (kodim16's edges against
  // the cold photos': the least alike are negatively correlated) is said
  // in words: a bare 0% reads as a fault.
  await page.click('label.chip:has(input[value=cold])');
  await page.waitForFunction(() => /^The \d+ “cold” photos/.test(document.querySelector('#refs-heading').textContent));
  const scores = (await gallery(page)).map((c) => c.score);
  assert.ok(scores.some((s) => s.startsWith('little structure in common')), `scores: ${scores}`);
  assert.ok(!scores.some((s) => s.startsWith('0% structure match')), `scores: ${scores}`);
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForFunction(() => /Using your own reference: bud-desert\.jpg/.test(document.querySelector('#refs-heading').textContent));
  assert.equal(await page.$$eval('#refs input:checked', (r) => r.length), 0);
  await page.waitForFunction(() => !document.querySelector('#start').disabled);
  // One dropped on that button is a reference too, not a new photo.
  await page.evaluate(async (b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.jpg', { type: 'image/jpeg' }));
    const own = document.querySelector('.own-ref');
    own.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    own.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, photoBytes.toString('base64'));
  await page.waitForFunction(() => /Using your own reference: dropped\.jpg/.test(document.querySelector('#refs-heading').textContent));
  assert.match(await page.textContent('#photo-info'), /^kodim16\.jpg/);
  await page.waitForFunction(() => !document.querySelector('#start').disabled);
  // A card chosen after it: the heading no longer claims the own one.
  await page.click('#refs .ref >> nth=0');
  await page.waitForFunction(() => window.sentimentDebug.state.reference?.file);
  assert.equal(await page.textContent('#refs-heading'), `The ${cards.length} “misty” photos whose structure best matches yours`);
  await page.settle();
  noUpload(log);
  await context.close();
});

test('a subject: its photos first, each group in order; an honest heading where the collection has none', async () => {
  const { context, page } = await open(browser);
  await start(page);
  const misty = refs.filter((r) => r.adjective === 'misty');
  const nouns = await page.$$eval('#noun option', (os) => os.map((o) => o.value).filter(Boolean));
  const has = nouns.find((n) => misty.some((r) => r.noun === n));
  const lacks = nouns.find((n) => !misty.some((r) => r.noun === n));
  assert.ok(has && lacks, `nouns ${nouns}: need one with misty photos and one without`);
  await page.selectOption('#noun', has);
  await page.waitForFunction((n) => document.querySelector('#refs-heading').textContent.includes(`of a ${n}`), has);
  let cards = await gallery(page);
  const same = cards.filter((c) => c.tags.includes(has)).length;
  assert.equal(same, Math.min(6, misty.filter((r) => r.noun === has).length));
  for (const [i, c] of cards.entries()) {
    if (i < same) assert.ok(c.tags.includes(has), `a card of another subject before one of ${has}`);
    else assert.ok(!c.tags.includes(has));
    if (i > 0 && i !== same) assert.ok(c.pct <= cards[i - 1].pct, `not in order within the group: ${cards.map((x) => x.pct)}`);
  }
  await page.selectOption('#noun', lacks);
  await page.waitForFunction((n) => document.querySelector('#refs-heading').textContent.startsWith(`No “misty” photo of a ${n} in the collection`), lacks);
  cards = await gallery(page);
  assert.ok(cards.length > 0);
  for (const [i, c] of cards.entries()) if (i > 0) assert.ok(c.pct <= cards[i - 1].pct);
  await context.close();
});

test('a photo chosen while the one before is still being readied: the references are ranked against the new one', async () => {
  // A slow device: every picture the worker scales takes two seconds more.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  await patchWorker(context, `const scale = createImageBitmap;
    globalThis.createImageBitmap = async (...a) => { const b = await scale(...a); await new Promise((r) => setTimeout(r, 2000)); return b; };`);
  const { page } = await open(context);
  await ready(page);
  await page.click('label.chip:has(input[value=misty])');
  await page.setInputFiles('#photo-input', photo);
  await page.waitForSelector('#photo-info:not([hidden])');
  // kodim16's working copy is being made for its ranking: another photo,
  // large, whose display copy takes longer than that.
  const other = readFileSync(assetPath('inputs/large/bud-zion-full.jpg'));
  const ranked = async (name) => {
    await page.setInputFiles('#photo-input', { name, mimeType: 'image/jpeg', buffer: other });
    await page.waitForFunction((n) => document.querySelector('#photo-info').textContent.startsWith(n), name);
    await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 60_000 });
    return (await gallery(page)).map((c) => c.tags);
  };
  const raced = await ranked('other.jpg');
  // The same photo again, alone: the same ranking.
  assert.deepEqual(raced, await ranked('again.jpg'));
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

// gallery reads the reference cards.
function gallery(page) {
  return page.$$eval('#refs .ref', (rs) => rs.map((r) => ({
    score: r.querySelector('.score').textContent,
    pct: parseInt(r.querySelector('.score').textContent, 10) || 0, // 'little structure in common': 0
    attr: r.querySelector('.attr').textContent,
    tags: r.textContent,
    checked: r.querySelector('input').checked,
    best: !!r.querySelector('.best'),
  })));
}

test('a short transfer: progress, live preview, the result at full size, strength, downloads', async () => {
  const log = [];
  const { context, page } = await open(browser, log);
  await start(page);
  await settings(page, 10);
  const before = await canvasBytes(page, '#before');
  await page.click('#start');
  await page.waitForSelector('#cancel:not([hidden])');
  // Progress and the preview while it runs.
  await page.waitForFunction(() => /Iteration \d+ of 10/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  await page.waitForSelector('#after:not([hidden])', { timeout: 60_000 });
  await page.waitForFunction(() => /s left/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  await finished(page, 10);
  const m = await metrics(page);
  assert.ok(m.previews >= 2, `${m.previews} previews`);
  assert.equal(await page.$eval('#run-progress', (p) => p.value / p.max), 1);

  // A drag across the picture moves the divider; each tag stays on its
  // own picture, gone once the divider passes it.
  const pic = await page.$eval('#after', (c) => c.getBoundingClientRect().toJSON());
  const tags = () => page.$$eval('#tag-before, #tag-after', (ts) => ts.map((t) => getComputedStyle(t).visibility));
  assert.deepEqual(await tags(), ['visible', 'visible']);
  for (const [x, split, shown] of [[pic.left + 2, 0, ['hidden', 'visible']], [pic.right - 2, 100, ['visible', 'hidden']], [pic.left + pic.width / 2, 50, ['visible', 'visible']]]) {
    await page.mouse.move(pic.left + pic.width / 2, pic.top + pic.height / 2);
    await page.mouse.down();
    await page.mouse.move(x, pic.top + pic.height / 2, { steps: 4 });
    await page.mouse.up();
    assert.ok(Math.abs(Number(await page.inputValue('#split')) - split) <= 1, `split at ${await page.inputValue('#split')}, not ${split}`);
    assert.deepEqual(await tags(), shown, `tags at split ${split}`);
  }

  // The result opens at the network's default strength, drawn exactly.
  const opened = await page.evaluate(() => {
    const s = window.sentimentDebug.state;
    return s.networks[s.result.backbone].defaults.strength;
  });
  assert.ok(opened > 0 && opened <= 1, `default strength ${opened}`);
  assert.equal(await page.textContent('#strength-out'), `${Math.round(opened * 100)}%`);
  if (opened < 1) assert.equal((await metrics(page)).strengthDrawn, opened, 'the result shown before its strength was drawn');
  // The result differs from the photo; strength 0 gives the photo back.
  const full = await canvasBytes(page, '#after');
  assert.ok(meanDiff(full, before) > 1, 'the result equals the photo');
  await strength(page, 0);
  const zero = await canvasBytes(page, '#after');
  assert.ok(meanDiff(zero, before) < 0.5, `strength 0 differs from the photo by ${meanDiff(zero, before)}`);
  await strength(page, 60);
  const sixty = await canvasBytes(page, '#after');
  const d60 = meanDiff(sixty, before);
  assert.ok(d60 > 0.3 && d60 < meanDiff(full, before), `strength 60%: ${d60}`);
  assert.equal(await page.textContent('#strength-out'), '60%');
  // The instant blend the slider draws matches the worker's exact
  // rendering on both sides of the colour lead (colour ahead of light).
  // A plain blend of photo and whole look, as the slider drew before,
  // misses it clearly.
  await strength(page, 100);
  const whole = await canvasBytes(page, '#after');
  for (const pct of [30, 80]) {
    const { exact, instant } = await instantAndExact(page, pct);
    const plain = before.map((v, i) => Math.round(v + (pct / 100) * (whole[i] - v)));
    const miss = meanDiff(instant, exact);
    const plainMiss = meanDiff(plain, exact);
    assert.ok(miss < 1.5 && miss < plainMiss / 2, `at ${pct}% the instant blend is ${miss.toFixed(2)} from the exact rendering, a plain blend ${plainMiss.toFixed(2)}`);
  }
  await strength(page, 60);

  // While one export runs, the others wait (checked in the click's own task).
  const [busy, disabled] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.evaluate(() => {
      document.querySelector('#dl-jpeg').click();
      return ['#dl-jpeg', '#dl-png', '#dl-lut'].map((s) => document.querySelector(s).disabled);
    }),
  ]);
  assert.deepEqual(disabled, [true, true, true], 'export buttons enabled during an export');
  await busy.path();
  await page.waitForSelector('#dl-png:not([disabled])');
  // Downloads at the photo's full size, and the LUT.
  const files = {};
  for (const [id, type] of [['#dl-jpeg', 'jpeg'], ['#dl-png', 'png']]) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(id)]);
    assert.match(dl.suggestedFilename(), new RegExp(`^kodim16-misty\\.${type === 'png' ? 'png' : 'jpg'}$`));
    files[type] = readFileSync(await dl.path());
    const size = imageSize(files[type]);
    assert.deepEqual(size, { type, w: W, h: H });
  }
  // The export goes strip by strip through the engine; strips of 7 rows
  // (not dividing the height) make the same PNG as the worker's choice.
  const strips = (await metrics(page)).exportStrips;
  await page.evaluate(() => { window.sentimentDebug.stripRows = 7; });
  const [dl7] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#dl-png')]);
  assert.equal((await metrics(page)).exportStrips, Math.ceil(H / 7), `strips of 7 rows (the default made ${strips})`);
  assert.ok(readFileSync(await dl7.path()).equals(files.png), 'the PNG made in 7-row strips differs');
  const [lut] = await Promise.all([page.waitForEvent('download'), page.click('#dl-lut')]);
  assert.equal(lut.suggestedFilename(), 'kodim16-misty.cube');
  const cube = readFileSync(await lut.path(), 'utf8');
  assert.match(cube, /^LUT_3D_SIZE 33$/m);
  assert.ok(cube.trim().split('\n').filter((l) => /^[\d.]+ [\d.]+ [\d.]+$/.test(l)).length === 33 ** 3);
  assert.deepEqual(page.errors || [], []);
  await page.settle();
  noUpload(log);
  await context.close();
});

test('the live preview keeps the photo’s detail; cancel in the middle of a run stops promptly and leaves the page working', async () => {
  const { context, page } = await open(browser);
  await start(page);
  // The worker is not replaced here, however slow the machine: a
  // replaced one has no result from before to give back.
  await page.evaluate(() => { window.sentimentDebug.cancelWaitMs = 60_000; });
  await settings(page, 500);
  await page.click('#start');
  await page.waitForFunction(() => /Iteration [2-9]\d* of 500/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  // A preview of the working size (256 px) enlarged as it is would have
  // about 40% of the photo's fine detail (mean horizontal gradient).
  await page.waitForFunction(() => window.sentimentDebug.metrics.previewMs !== undefined, null, { timeout: 60_000 });
  const [photoDetail, previewDetail] = await page.evaluate(() => ['#before', '#after'].map((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let y = 0; y < c.height; y++) for (let x = 1; x < c.width; x++) sum += Math.abs(d[4 * (y * c.width + x) + 1] - d[4 * (y * c.width + x) - 3]);
    return sum / (c.width * c.height);
  }));
  assert.ok(previewDetail > 0.8 * photoDetail, `preview detail ${previewDetail.toFixed(2)}, photo ${photoDetail.toFixed(2)}`);
  assert.match(await page.textContent('#run-text'), /of 500/, 'the run ended before the preview was measured');
  await page.click('#cancel');
  await page.waitForFunction(() => /Cancelled/.test(document.querySelector('#run-text').textContent), null, { timeout: 15_000 });
  assert.ok(await page.isHidden('#cancel'));
  assert.ok(await page.isEnabled('#start'));
  assert.ok(await page.isHidden('#after'), 'the cancelled run left its preview');
  // Still working: a short run to the end.
  await settings(page, 3);
  await page.click('#start');
  await finished(page, 3);
  // A cancelled run gives back the result from before, as it was.
  await strength(page, 40);
  const kept = await canvasBytes(page, '#after');
  await settings(page, 500);
  await page.click('#start');
  await page.waitForFunction(() => /Iteration [2-9]\d* of 500/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  assert.ok(await page.isDisabled('#dl-png'), 'downloads enabled during a run');
  await page.click('#cancel');
  await page.waitForFunction(() => /result from before is back/.test(document.querySelector('#run-text').textContent), null, { timeout: 15_000 });
  assert.ok(await page.isEnabled('#dl-png') && await page.isEnabled('#strength'));
  assert.equal(await page.textContent('#strength-out'), '40%');
  assert.ok(meanDiff(await canvasBytes(page, '#after'), kept) < 0.01, 'the result from before is not drawn as it was');
  // Started again at once after a cancel, on a device slow to redraw the
  // result from before: it comes back first, never over the new run.
  await settings(page, 500);
  await page.click('#start');
  await page.waitForFunction(() => /Iteration [2-9]\d* of 500/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  await page.evaluate(() => {
    const lines = window.runLines = [];
    const text = document.querySelector('#run-text');
    new MutationObserver(() => lines.push(text.textContent)).observe(text, { childList: true, characterData: true, subtree: true });
  });
  await late(page, { strength: 1500 });
  await page.click('#cancel');
  await page.waitForFunction(() => /Cancelled/.test(document.querySelector('#run-text').textContent), null, { timeout: 15_000 });
  await settings(page, 3);
  await page.click('#start');
  // Once the engine has answered, the run cannot be cancelled: it is
  // drawing its result (slowly here) and ends as done.
  await page.waitForFunction(() => /^Done/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  assert.ok(await page.isDisabled('#cancel') || await page.isHidden('#cancel'), 'Cancel offered for a run already done');
  // A result that opens at full strength has nothing left to draw, and
  // Cancel is gone already; else it is there, disabled, and a click on it
  // must not count.
  if (await page.isVisible('#cancel')) await page.click('#cancel', { force: true });
  await finished(page, 3);
  const lines = await page.evaluate(() => window.runLines);
  const back = lines.filter((l) => /result from before is back/.test(l));
  assert.ok(back.length && back.every((l) => l.startsWith('Cancelled')), `the run's lines: ${lines.join(' | ')}`);
  await context.close();
});

// stuck starts a long run and cancels it with no time at all for the
// engine to stop: the worker is replaced at once. The new worker gets the
// photo and reference again; here they reach it late, as on a slow
// device.
async function stuck(page) {
  await settings(page, 500);
  await page.evaluate(() => { window.sentimentDebug.cancelWaitMs = 0; });
  await page.click('#start');
  await page.waitForFunction(() => /Iteration [2-9]\d* of 500/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  await late(page, { photo: 1500, reference: 1500 });
  await page.click('#cancel');
  await page.waitForFunction(() => /Cancelled/.test(document.querySelector('#run-text').textContent), null, { timeout: 15_000 });
}

test('a worker that does not stop in time is replaced, and the page carries on as it was', async () => {
  const { context, page } = await open(browser);
  await start(page);
  await stuck(page);
  // Until the photo and reference are back, a run cannot start.
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
  assert.ok(await page.isChecked('input[value=misty]'), 'the mood was lost');
  assert.match(await page.textContent('#photo-info'), /^kodim16\.jpg/);
  assert.match(await page.textContent('#run-text'), /Cancelled/);
  await settings(page, 3);
  await page.click('#start');
  await finished(page, 3);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a photo and a mood chosen while a replaced worker loads are the ones it works on', async () => {
  const { context, page } = await open(browser);
  await start(page);
  await stuck(page);
  // The new worker is not ready yet: another photo, then another mood.
  const [w, h] = [512, 288];
  await page.setInputFiles('#photo-input', { name: 'bridge.jpg', mimeType: 'image/jpeg', buffer: readFileSync(assetPath('inputs/deb-bridge.jpg')) });
  assert.equal(await page.textContent('#photo-info'), 'bridge.jpg — shown once the engine has loaded', 'the photo held is not said to be taken');
  const other = refs.find((r) => r.adjective !== 'misty').adjective;
  // The moods are locked until it is (the click waits for that).
  assert.ok(await page.isDisabled(`input[value=${other}]`), 'a mood can be chosen while the worker loads');
  await page.click(`label.chip:has(input[value=${other}])`);
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  await settings(page, 3);
  await page.click('#start');
  await finished(page, 3, other);
  assert.match(await page.textContent('#photo-info'), new RegExp(`^bridge\\.jpg — ${w} × ${h} px`));
  // The worker's photo is that one too: the download has its size.
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#dl-jpeg')]);
  assert.deepEqual(imageSize(readFileSync(await dl.path())), { type: 'jpeg', w, h });
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('moods changed quickly: a run takes the last mood’s own reference, whichever answer comes last', async () => {
  const { context, page } = await open(browser);
  await start(page);
  await settings(page, 3);
  const [a, b, c] = [...new Set(refs.map((r) => r.adjective))].filter((m) => m !== 'misty');
  assert.ok(c, 'the collection needs four moods');
  // The new mood's references are ranked late: until its own reference
  // is in, the misty one still shown cannot start a run (a click on
  // Start waits until it is enabled).
  await late(page, { retrieve: 1500 });
  await page.click(`label.chip:has(input[value=${a}])`);
  await page.click('#start');
  await finished(page, 3, a);
  // A mood's reference is late to reach the worker, and the next mood's
  // is chosen meanwhile: the engine and the page end with the last mood's.
  await late(page, { reference: 1500, once: true });
  await page.click(`label.chip:has(input[value=${b}])`);
  await page.waitForFunction(() => window.held === 'held');
  await page.click(`label.chip:has(input[value=${c}])`);
  await page.waitForFunction(() => window.held === 'answered');
  await page.click('#start');
  await finished(page, 3, c);
  assert.ok(await page.isChecked(`input[value=${c}]`));
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

// routed opens a page whose requests a test's routes answer (no service
// worker: it would answer without them), ready for a short run.
async function routed() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const { page } = await open(context);
  await start(page);
  await settings(page, 3);
  return { context, page };
}

test('a reference picture that cannot be loaded says so, and the one chosen before stays', async () => {
  const { context, page } = await routed();
  const [first, second] = await page.$$eval('#refs input', (is) => is.map((i) => i.value));
  assert.ok(second, 'the collection needs two misty photos');
  await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete));
  const label = await page.evaluate(() => window.sentimentDebug.state.reference.label);
  await context.route(second, (route) => route.abort());
  await page.click('#refs .ref >> nth=1');
  await page.waitForSelector('#ref-error:not([hidden])');
  assert.match(await page.textContent('#ref-error'), /Could not load/);
  assert.equal(await page.evaluate(() => window.sentimentDebug.state.reference?.file), first);
  assert.deepEqual(await page.$$eval('#refs input', (is) => is.map((i) => i.checked)).then((c) => c.slice(0, 2)), [true, false]);
  await page.click('#start');
  await finished(page, 3);
  assert.match(await page.textContent('#run-text'), new RegExp(`from ${label},`));
  // One's own picture before it: that one stays, said so.
  await page.setInputFiles('#ref-input', assetPath('refs/bud-desert.jpg'));
  await page.waitForFunction(() => window.sentimentDebug.state.reference?.own === 'bud-desert.jpg');
  await page.click('#refs .ref >> nth=1');
  await page.waitForSelector('#ref-error:not([hidden])');
  assert.equal(await page.evaluate(() => window.sentimentDebug.state.ownRef?.name), 'bud-desert.jpg');
  assert.match(await page.textContent('#refs-heading'), /Using your own reference: bud-desert\.jpg$/);
  assert.equal(await page.$$eval('#refs input:checked', (is) => is.length), 0);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a photo taken just before Start: the run waits for it, and is made from it', async () => {
  const { context, page } = await open(browser);
  await start(page);
  await settings(page, 3);
  // The next photo is slow to read: until it is in, Start is disabled
  // (a run would take the photo before, and this one would reach the
  // worker in the middle of it).
  await page.evaluate(() => {
    const scale = window.createImageBitmap;
    window.createImageBitmap = async (src, ...a) => {
      const b = await scale(src, ...a);
      if (src?.name === 'bridge.jpg') await new Promise((r) => setTimeout(r, 1500));
      return b;
    };
  });
  await page.setInputFiles('#photo-input', { name: 'bridge.jpg', mimeType: 'image/jpeg', buffer: readFileSync(assetPath('inputs/deb-bridge.jpg')) });
  assert.ok(await page.isDisabled('#start'), 'Start is enabled while a photo is being read');
  await page.click('#start');
  await finished(page, 3);
  assert.match(await page.textContent('#photo-info'), /^bridge\.jpg — 512 × 288 px/);
  assert.equal(await page.evaluate(() => window.sentimentDebug.state.result.photoId), await page.evaluate(() => window.sentimentDebug.state.photo.id));
  assert.ok(await page.isHidden('#result-note'), 'the result reads as one from before');
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#dl-jpeg')]);
  assert.deepEqual(imageSize(readFileSync(await dl.path())), { type: 'jpeg', w: 512, h: 288 });
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a reference picture whose server never answers does not hold back the next one chosen', async () => {
  const { context, page } = await routed();
  const pictures = await page.$$eval('#refs input', (is) => is.map((i) => i.value));
  assert.ok(pictures.length >= 3, 'the collection needs three misty photos');
  await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete));
  let asked;
  const stalled = new Promise((r) => { asked = r; });
  await context.route(pictures[1], () => asked()); // never answered
  await page.click('#refs .ref >> nth=1');
  await stalled;
  await page.click('#refs .ref >> nth=2');
  await page.waitForFunction((p) => window.sentimentDebug.state.reference?.file === p, pictures[2], { timeout: 15_000 });
  assert.ok(await page.isHidden('#ref-error'), await page.textContent('#ref-error'));
  assert.deepEqual(await page.$$eval('#refs input', (is) => is.map((i) => i.checked)).then((c) => c.slice(0, 3)), [false, false, true]);
  await page.click('#start');
  await finished(page, 3);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a reference picture whose server never answers is given up with a message, and the one before stays', async () => {
  // The worker's 30 s wait for a reference picture, shortened to 1 s.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  await patchWorker(context, `const wait = setTimeout;
    globalThis.setTimeout = (f, ms, ...a) => wait(f, ms === 30_000 ? 1000 : ms, ...a);`);
  const { page } = await open(context);
  await start(page);
  await settings(page, 3);
  const pictures = await page.$$eval('#refs input', (is) => is.map((i) => i.value));
  await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete));
  await context.route(pictures[1], () => {}); // never answered
  await page.click('#refs .ref >> nth=1');
  await page.waitForSelector('#ref-error:not([hidden])', { timeout: 15_000 });
  assert.match(await page.textContent('#ref-error'), /did not answer in 30 s/);
  assert.equal(await page.evaluate(() => window.sentimentDebug.state.reference?.file), pictures[0]);
  assert.deepEqual(await page.$$eval('#refs input', (is) => is.map((i) => i.checked)).then((c) => c.slice(0, 2)), [true, false]);
  assert.ok(await page.isEnabled('#start'));
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a photo taken during an export: the file keeps the name of the photo it was made from, the LUT’s too', async () => {
  // A slow device: the worker's encoder takes two seconds more.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block', acceptDownloads: true });
  await patchWorker(context, `const encode = OffscreenCanvas.prototype.convertToBlob;
    OffscreenCanvas.prototype.convertToBlob = async function (...a) { await new Promise((r) => setTimeout(r, 2000)); return encode.apply(this, a); };`);
  const { page } = await open(context);
  await start(page);
  await settings(page, 3);
  await page.click('#start');
  await finished(page, 3);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), (async () => {
    await page.click('#dl-jpeg');
    await page.waitForFunction(() => /^Encoding/.test(document.querySelector('#dl-text').textContent));
    await page.setInputFiles('#photo-input', { name: 'again.jpg', mimeType: 'image/jpeg', buffer: photoBytes });
    await page.waitForFunction(() => document.querySelector('#photo-info').textContent.startsWith('again.jpg'));
  })()]);
  assert.equal(dl.suggestedFilename(), 'kodim16-misty.jpg');
  assert.equal(await page.textContent('#dl-text'), '', 'the export’s line stayed with the next photo');
  // The LUT too, slow to reach the worker.
  await page.waitForFunction(() => !document.querySelector('#start').disabled);
  await page.click('#start');
  await finished(page, 3);
  await late(page, { lut: 1500, once: true });
  const [lut] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), (async () => {
    await page.click('#dl-lut');
    await page.setInputFiles('#photo-input', { name: 'third.jpg', mimeType: 'image/jpeg', buffer: photoBytes });
    await page.waitForFunction(() => document.querySelector('#photo-info').textContent.startsWith('third.jpg'));
  })()]);
  assert.equal(lut.suggestedFilename(), 'again-misty.cube');
  assert.equal(await page.textContent('#dl-text'), '', 'the LUT’s line stayed with the next photo');
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('a tampered weights download is refused, said so, and a retry succeeds', async () => {
  const { context, page } = await open(browser);
  const served = await tamper(context, '**/models/*.weights');
  await page.goto(SITE);
  await page.waitForSelector('#engine.failed', { timeout: 60_000 });
  assert.match(await page.textContent('#engine-text'), /failed its integrity check.*tampered/);
  assert.ok(served() >= 1);
  assert.ok(await page.isVisible('#engine-retry'));
  await context.unroute('**/models/*.weights');
  await page.click('#engine-retry');
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  await context.close();
});

test('a failed download of the index says so and a retry succeeds', async () => {
  const { context, page } = await open(browser);
  await context.route('**/refs/index.bin', (route) => route.abort('connectionreset'));
  await page.goto(SITE);
  await page.waitForSelector('#engine.failed', { timeout: 60_000 });
  assert.match(await page.textContent('#engine-text'), /Could not download the reference index: the network request failed/);
  await context.unroute('**/refs/index.bin');
  await page.click('#engine-retry');
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  assert.ok(await page.$('label.chip:has(input[value=misty])'), 'no moods after the retry');
  await context.close();
});

test('a run owns its inputs: they are locked while it runs, the result keeps its mood, lines belong to their photo, typed settings stay', async () => {
  const { context, page } = await open(browser);
  // Typed while the engine loads, before the network's defaults arrive:
  // the weights are held back until then.
  let typed;
  const gate = new Promise((resolve) => { typed = resolve; });
  await context.route('**/models/*.weights', async (route) => {
    await gate;
    await route.continue();
  });
  await page.goto(SITE);
  await page.click('.settings summary');
  await page.fill('#iterations', '500');
  assert.equal((await metrics(page)).network, undefined, 'the network was built before the test typed');
  typed();
  await page.waitForSelector('#engine.ready', { timeout: 120_000 });
  await page.setInputFiles('#photo-input', photo);
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
  await page.waitForFunction(() => window.sentimentDebug.metrics.network !== undefined);
  assert.equal(await page.inputValue('#iterations'), '500', 'the default replaced the typed value');
  assert.equal(await page.textContent('#strength-out'), '—', 'a strength before any result');
  assert.equal(await page.inputValue('#strength'), '0', 'the slider sits at a strength before any result');
  assert.match(await page.textContent('#strength-hint'), /set once a transfer is done/);
  await page.click('#start');
  await page.waitForFunction(() => /Iteration [2-9]\d* of 500/.test(document.querySelector('#run-text').textContent), null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cancel', 'focus left the controls');
  const open_ = await page.$$eval('#moods input, #refs input, #noun, #ref-input, #photo-input, #iterations, #size, #backbone', (es) => es.filter((e) => !e.disabled).map((e) => e.id || e.value));
  assert.deepEqual(open_, [], 'inputs of the run are not locked');
  assert.ok(await page.isVisible('#mood-lock'));
  const other = refs.find((r) => r.adjective !== 'misty').adjective;
  await page.click(`label.chip:has(input[value=${other}])`, { force: true });
  assert.ok(await page.isChecked('input[value=misty]'), 'the mood changed during the run');
  // A photo pasted during the run is refused, and the refusal ends with the run.
  await page.evaluate((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'late.jpg', { type: 'image/jpeg' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, photoBytes.toString('base64'));
  assert.match(await page.textContent('#photo-error'), /A transfer is running/);
  await page.click('#cancel');
  await page.waitForFunction(() => /Cancelled/.test(document.querySelector('#run-text').textContent), null, { timeout: 15_000 });
  assert.ok(await page.isEnabled(`input[value=${other}]`), 'still locked after the run');
  assert.ok(await page.isHidden('#photo-error'), 'the refusal stayed after the run');
  assert.match(await page.textContent('#photo-info'), /^kodim16\.jpg/);

  // A short run; then another mood is chosen: the result is still misty's.
  await page.fill('#iterations', '3');
  await page.click('#start');
  await finished(page, 3);
  assert.ok(await page.isHidden('#result-note'));
  await page.click(`label.chip:has(input[value=${other}])`);
  await page.waitForFunction((o) => document.querySelector('#refs-heading').textContent.includes(`“${o}”`), other);
  assert.ok(await page.isVisible('#after'), 'the result went away');
  // It says it is the mood's before, not the one chosen now.
  assert.match(await page.textContent('#result-note'), /^This is the result from before: “misty” from misty \w+\./);
  const [lut] = await Promise.all([page.waitForEvent('download'), page.click('#dl-lut')]);
  assert.equal(lut.suggestedFilename(), 'kodim16-misty.cube');
  assert.match(await page.textContent('#dl-text'), /Saved the 3D LUT/);
  assert.equal(await page.inputValue('#iterations'), '3');
  // Back to misty and its closest reference: the result is the choice's again.
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForFunction(() => !document.querySelector('#start').disabled);
  assert.ok(await page.isHidden('#result-note'));

  // A new photo: the last run's lines, result and downloads go with the old one.
  await page.setInputFiles('#photo-input', { name: 'again.jpg', mimeType: 'image/jpeg', buffer: photoBytes });
  await page.waitForFunction(() => document.querySelector('#photo-info').textContent.startsWith('again.jpg'));
  assert.ok(await page.isHidden('#run'), 'the last run’s progress stayed');
  assert.equal(await page.textContent('#dl-text'), '');
  assert.equal(await page.textContent('#strength-out'), '—');
  assert.equal(await page.inputValue('#strength'), '0');
  assert.ok(await page.isHidden('#result-note'));
  assert.ok(await page.isDisabled('#dl-jpeg'));
  assert.ok(await page.isHidden('#after'));
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('transparency: the look applies to colour, PNG alpha passes through unchanged, JPEG and the page composite on white', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  // kodim16 with a transparent left third and a ramp of alpha in the middle.
  const made = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const src = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    const c = new OffscreenCanvas(src.width, src.height);
    const g = c.getContext('2d');
    g.drawImage(src, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height);
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const t = x / c.width;
        d.data[4 * (y * c.width + x) + 3] = t < 1 / 3 ? 0 : t < 2 / 3 ? Math.round(255 * (3 * t - 1)) : 255;
      }
    }
    g.putImageData(d, 0, 0);
    const blob = await c.convertToBlob({ type: 'image/png' });
    return new Promise((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(r.result.split(',')[1]);
      r.readAsDataURL(blob);
    });
  }, photoBytes.toString('base64'));
  const input = Buffer.from(made, 'base64');
  await page.setInputFiles('#photo-input', { name: 'cutout.png', mimeType: 'image/png', buffer: input });
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForFunction(() => !document.querySelector('#start').disabled, null, { timeout: 30_000 });
  await settings(page, 3);
  await page.click('#start');
  await finished(page, 3);
  // On the page, the transparent third is white, before and after.
  const shown = await page.evaluate(() => ['#before', '#after'].map((s) => {
    const c = document.querySelector(s);
    return Array.from(c.getContext('2d').getImageData(Math.floor(c.width / 10), Math.floor(c.height / 2), 1, 1).data);
  }));
  assert.deepEqual(shown, [[255, 255, 255, 255], [255, 255, 255, 255]]);
  // The slider's instant blend matches the exact rendering where the
  // photo is translucent too (its pictures are composited on white once).
  for (const pct of [30, 80]) {
    const { exact, instant } = await instantAndExact(page, pct);
    assert.ok(meanDiff(instant, exact) < 1.5, `at ${pct}% the instant blend of the cutout is ${meanDiff(instant, exact).toFixed(2)} from the exact rendering`);
  }
  await strength(page, 100);
  const files = {};
  for (const [id, type] of [['#dl-png', 'png'], ['#dl-jpeg', 'jpeg']]) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(id)]);
    files[type] = readFileSync(await dl.path());
  }
  // Decoded and compared in the page: only the counts come back.
  const { same, alphaDiff, colourDiff, notWhite } = await page.evaluate(async (list) => {
    const [inPx, pngPx, jpgPx] = await Promise.all(list.map(async ([b64, type]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bm = await createImageBitmap(new Blob([bytes], { type }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
      const c = new OffscreenCanvas(bm.width, bm.height);
      c.getContext('2d').drawImage(bm, 0, 0);
      return c.getContext('2d').getImageData(0, 0, bm.width, bm.height).data;
    }));
    const r = { same: pngPx.length === inPx.length && jpgPx.length === inPx.length, alphaDiff: 0, colourDiff: 0, notWhite: 0 };
    let opaque = 0;
    for (let i = 0; i < inPx.length; i += 4) {
      if (pngPx[i + 3] !== inPx[i + 3]) r.alphaDiff++;
      if (inPx[i + 3] === 255) {
        r.colourDiff += Math.abs(pngPx[i] - inPx[i]) + Math.abs(pngPx[i + 1] - inPx[i + 1]) + Math.abs(pngPx[i + 2] - inPx[i + 2]);
        opaque++;
      }
      if (inPx[i + 3] === 0 && Math.min(jpgPx[i], jpgPx[i + 1], jpgPx[i + 2]) < 245) r.notWhite++;
    }
    r.colourDiff /= 3 * opaque;
    return r;
  }, [[made, 'image/png'], [files.png.toString('base64'), 'image/png'], [files.jpeg.toString('base64'), 'image/jpeg']]);
  assert.ok(same, 'the downloads are not the photo’s size');
  assert.equal(alphaDiff, 0, 'the PNG’s alpha differs from the photo’s');
  assert.ok(colourDiff > 1, `the look changed the colours by ${colourDiff} on average`);
  assert.equal(notWhite, 0, 'the JPEG’s transparent parts are not white');
  assert.deepEqual(page.errors || [], []);
  await context.close();
});
