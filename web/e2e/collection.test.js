// Your own moods: a folder of one's own references is added (with a
// damaged picture and a duplicate among them, named and left out), ranked
// with the shipped references and marked as yours, used for a transfer,
// still there after an offline reload, removed one by one and all at once;
// exported and imported as one file; refused whole when storage is full;
// and never uploaded. And the subject the network proposes for a photo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assetPath, launch, open, ready, serve, noUpload } from './helpers.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// folder writes a folder of mood folders: dreamy/ (two references, a
// duplicate of one and a damaged picture) and "gloomy lake/" (one).
function folder() {
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'own-')), 'mine');
  const put = (rel, src) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    if (src) copyFileSync(assetPath(src), path.join(root, rel));
    else writeFileSync(path.join(root, rel), 'not a picture');
  };
  put('dreamy/a.jpg', 'refs/ubu-mirrorlake.jpg');
  put('dreamy/b.jpg', 'refs/kyl-winterlake.jpg');
  put('dreamy/copy.jpg', 'refs/ubu-mirrorlake.jpg');
  put('dreamy/broken.jpg');
  put('gloomy lake/c.jpg', 'refs/kyl-nightcity.jpg');
  return root;
}

// ownCount is how many references the page lists as the user's.
const ownCount = (page) => page.$$eval('#own-list li', (ls) => ls.length);

test('a folder of your own references: added, ranked as yours, transferred with, kept offline, removed; nothing uploaded', async () => {
  const server = await serve();
  const log = [];
  const { context, page } = await open(browser, log);
  try {
    await ready(page, server.url);
    await page.waitForFunction(() => document.querySelector('#privacy').dataset.offline === 'ready', null, { timeout: 120_000 });
    await page.click('#own summary');
    await page.setInputFiles('#own-folder', folder());
    await page.waitForSelector('#own-stage:not([hidden])');
    // Each folder is a group, its name its mood (and subject).
    const groups = await page.$$eval('#own-groups fieldset', (fs) => fs.map((f) => [...f.querySelectorAll('input')].map((i) => i.value).join('/')).sort());
    assert.deepEqual(groups, ['dreamy/', 'gloomy/lake']);
    await page.click('#own-add');
    await page.waitForSelector('#own-problems:not([hidden])', { timeout: 60_000 });
    const problems = await page.textContent('#own-problems');
    assert.match(problems, /broken\.jpg: could not be read as a picture/);
    assert.match(problems, /the same picture as/);
    assert.equal(await ownCount(page), 0, 'added before the user said so');
    await page.click('#own-problems button.primary'); // add the others
    await page.waitForFunction(() => /Added 3 pictures/.test(document.querySelector('#own-status').textContent), null, { timeout: 60_000 });
    assert.equal(await ownCount(page), 3);
    assert.match(await page.textContent('#privacy-text'), /the 3 reference pictures you added \([\d.]+ kB\) are kept in this browser only/);

    // Ranked with the shipped references, marked as yours.
    await page.setInputFiles('#photo-input', assetPath('inputs/kodim16.jpg'));
    await page.waitForSelector('#photo-info:not([hidden])');
    await page.click('label.chip:has(input[value=gloomy])');
    await page.waitForSelector('#refs .ref.mine', { timeout: 30_000 });
    const cards = await page.$$eval('#refs .ref', (cs) => cs.map((c) => c.classList.contains('mine')));
    assert.ok(cards.length > 1 && cards.filter(Boolean).length === 1, `cards ${cards}`);
    assert.match(await page.textContent('#refs .ref.mine'), /yours/);
    // Transferred with one of one's own.
    await page.click('label.chip:has(input[value=dreamy])');
    await page.waitForFunction(() => document.querySelectorAll('#refs .ref.mine').length === 2 && !document.querySelector('#start').disabled, null, { timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0));
    await page.click('.settings summary');
    await page.fill('#iterations', '3');
    await page.click('#start');
    await page.waitForSelector('#dl-jpeg:not([disabled])', { timeout: 120_000 });
    assert.match(await page.textContent('#run-text'), /from your “dreamy”/);
    await page.settle();
    noUpload(log.filter((r) => !r.url.startsWith('blob:')), server.url);
  } finally {
    await server.stop();
  }
  // Offline: still there, still ranked.
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  await page.click('#own summary');
  await page.waitForFunction(() => document.querySelectorAll('#own-list li').length === 3, null, { timeout: 30_000 });
  await page.setInputFiles('#photo-input', assetPath('inputs/kodim16.jpg'));
  await page.waitForSelector('#photo-info:not([hidden])');
  await page.click('label.chip:has(input[value=dreamy])');
  await page.waitForFunction(() => document.querySelectorAll('#refs .ref.mine').length === 2, null, { timeout: 30_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0));
  // Removed one by one, then all at once.
  await page.click('#own-list li button');
  await page.waitForFunction(() => document.querySelectorAll('#own-list li').length === 2);
  page.once('dialog', (d) => d.accept());
  await page.click('#own-clear');
  await page.waitForFunction(() => document.querySelectorAll('#own-list li').length === 0);
  assert.equal(await page.$('label.chip:has(input[value=dreamy])'), null, 'the mood stays after its references went');
  assert.match(await page.textContent('#privacy-text'), /nothing of yours is kept/);
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  assert.equal(await ownCount(page), 0);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('your references leave as one file and come back from it; a second import adds nothing', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  await page.click('#own summary');
  await page.setInputFiles('#own-files', [assetPath('refs/kyl-winterlake.jpg'), assetPath('refs/ubu-mirrorlake.jpg')]);
  await page.fill('#own-groups input[name=mood-0]', 'Golden'); // a mood of the collection's
  await page.click('#own-add');
  await page.waitForFunction(() => /Added 2/.test(document.querySelector('#own-status').textContent), null, { timeout: 60_000 });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#own-export')]);
  const zip = readFileSync(await dl.path());
  assert.equal(dl.suggestedFilename(), 'my-moods.zip');
  assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  assert.ok(zip.includes('index.bin'), 'no index in the file');
  page.once('dialog', (d) => d.accept());
  await page.click('#own-clear');
  await page.waitForFunction(() => document.querySelectorAll('#own-list li').length === 0);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'own-')), 'my-moods.zip');
  writeFileSync(file, zip);
  await page.setInputFiles('#own-import', file);
  await page.waitForFunction(() => /Added 2/.test(document.querySelector('#own-status').textContent), null, { timeout: 60_000 });
  assert.match(await page.textContent('#own-list'), /golden \(2\)/);
  await page.setInputFiles('#own-import', file);
  await page.waitForSelector('#own-problems:not([hidden])', { timeout: 60_000 });
  assert.match(await page.textContent('#own-problems'), /already in your collection/);
  await page.click('#own-problems button:not(.primary)');
  assert.equal(await ownCount(page), 2);
  // Not a collection file: said so, nothing changed.
  const junk = path.join(path.dirname(file), 'junk.zip');
  writeFileSync(junk, 'PK\x03\x04 not really');
  await page.setInputFiles('#own-import', junk);
  await page.waitForSelector('#own-error:not([hidden])');
  assert.match(await page.textContent('#own-error'), /not a collection file/);
  assert.equal(await ownCount(page), 2);
  assert.deepEqual(page.errors || [], []);
  await context.close();
});

test('when the browser has no room left, nothing is added and the page says so', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 1000 });
  await page.click('#own summary');
  await page.setInputFiles('#own-files', [assetPath('refs/kyl-winterlake.jpg')]);
  await page.fill('#own-groups input[name=mood-0]', 'dreamy');
  await page.click('#own-add');
  await page.waitForSelector('#own-error:not([hidden])', { timeout: 60_000 });
  assert.match(await page.textContent('#own-error'), /no room left/);
  assert.equal(await ownCount(page), 0);
  await page.reload();
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
  assert.equal(await ownCount(page), 0);
  await context.close();
});

test('the network proposes what the photo shows, and the user can change it', async () => {
  const { context, page } = await open(browser);
  await ready(page);
  await page.setInputFiles('#photo-input', assetPath('inputs/kodim08.jpg')); // a street of old houses
  await page.waitForSelector('#noun-guess:not([hidden])', { timeout: 60_000 });
  assert.equal(await page.$eval('#noun', (s) => s.value), 'city');
  assert.match(await page.textContent('#noun-guess'), /sees a city in your photo \(else \w+ or \w+\)/);
  await page.click('label.chip:has(input[value=misty])');
  await page.waitForSelector('#refs .ref');
  assert.match(await page.textContent('#refs-heading'), /of a city/);
  // The user's choice stands, for this photo.
  await page.selectOption('#noun', 'lake');
  assert.ok(await page.isHidden('#noun-guess'));
  await page.waitForFunction(() => /of a lake/.test(document.querySelector('#refs-heading').textContent));
  assert.equal(await page.$eval('#noun', (s) => s.value), 'lake');
  const m = await page.evaluate(() => globalThis.sentimentDebug.metrics.subject);
  assert.equal(m.guesses[0].name, 'city');
  assert.deepEqual(page.errors || [], []);
  await context.close();
});
