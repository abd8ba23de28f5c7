// The page in Debian's Firefox (ESR), headless, driven by puppeteer-core
// over WebDriver BiDi: loading, the picker, a transfer, the full-size
// downloads and offline use with the server stopped. The Chromium tests
// cover the rest in depth; these check that the same page works here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { assetPath, imageSize, serve } from './helpers.js';

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const photo = assetPath('inputs/kodim16.jpg');
const { w: W, h: H } = imageSize(readFileSync(photo));
let browser;
let server;
const downloads = mkdtempSync(path.join(tmpdir(), 'sentiment-ff-'));

before(async () => {
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  server = await serve();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(downloads, { recursive: true, force: true });
});

const until = (page, fn, arg, timeout = 120_000) => page.waitForFunction(fn, { timeout, polling: 100 }, arg);

// ready loads the page and waits for the engine.
async function ready(page, url) {
  await page.goto(url);
  await until(page, () => document.querySelector('#engine.ready, #engine.failed'));
  const failed = await page.$('#engine.failed');
  if (failed) throw new Error(`engine failed: ${await page.$eval('#engine-text', (e) => e.textContent)}`);
}

// transfer takes the photo by the picker, chooses the last mood and runs
// three iterations.
async function transfer(page) {
  const input = await page.$('#photo-input');
  await input.uploadFile(photo);
  await until(page, () => !document.querySelector('#photo-info').hidden);
  assert.match(await page.$eval('#photo-info', (e) => e.textContent), new RegExp(`^kodim16\\.jpg — ${W} × ${H} px`));
  const moods = await page.$$eval('#moods input[name=mood]', (is) => is.map((i) => i.value));
  await page.click(`label.chip:has(input[value=${moods.at(-1)}])`);
  await until(page, () => [...document.querySelectorAll('#refs img')].length > 0 && [...document.querySelectorAll('#refs img')].every((i) => i.complete && i.naturalWidth > 0));
  await until(page, () => !document.querySelector('#start').disabled);
  await page.click('.settings summary');
  await page.$eval('#iterations', (e) => { e.value = '3'; });
  await page.click('#start');
  await until(page, () => !document.querySelector('#dl-jpeg').disabled);
  assert.match(await page.$eval('#run-text', (e) => e.textContent), /Done: .* 3 iterations/);
  return moods.at(-1);
}

// download clicks id and waits until the file name is in the downloads
// folder, whole: Firefox writes it as it goes (with a .part file beside it).
async function download(page, id, name) {
  const file = path.join(downloads, name);
  rmSync(file, { force: true });
  await page.click(id);
  let size = -1;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const writing = readdirSync(downloads).some((f) => f.endsWith('.part'));
    const now = existsSync(file) ? statSync(file).size : -1;
    if (now > 0 && now === size && !writing) return readFileSync(file);
    size = now;
  }
  assert.fail(`no whole ${name} in ${readdirSync(downloads)}`);
}

test('Firefox: load, picker, transfer, full-size downloads', async () => {
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await ready(page, server.url);
  assert.match(await page.$eval('#privacy', (e) => e.textContent), /never uploaded/);
  const mood = await transfer(page);
  const jpeg = await download(page, '#dl-jpeg', `kodim16-${mood}.jpg`);
  assert.deepEqual(imageSize(jpeg), { type: 'jpeg', w: W, h: H });
  const png = await download(page, '#dl-png', `kodim16-${mood}.png`);
  assert.deepEqual(imageSize(png), { type: 'png', w: W, h: H });
  assert.deepEqual(errors, []);
  await context.close();
});

test('Firefox: offline after the first visit, with the server stopped', async () => {
  const own = await serve();
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await context.newPage();
  try {
    await ready(page, own.url);
    await until(page, () => document.querySelector('#privacy').dataset.offline === 'ready');
  } finally {
    await own.stop();
  }
  await assert.rejects(fetch(own.url));
  await page.reload();
  await until(page, () => document.querySelector('#engine.ready'), null, 60_000);
  const mood = await transfer(page);
  const jpeg = await download(page, '#dl-jpeg', `kodim16-${mood}.jpg`);
  assert.deepEqual(imageSize(jpeg), { type: 'jpeg', w: W, h: H });
  await context.close();
});
