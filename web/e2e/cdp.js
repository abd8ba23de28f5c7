// A bare DevTools protocol client for measuring the page's memory: Chromium
// driven over --remote-debugging-pipe with no domain enabled but those a
// measurement needs. Playwright enables the Network domain on every page
// and worker it attaches, and Chromium then keeps every response body in
// the renderer for the inspector (up to 100 MB a target), which is the
// renderer memory a soak measures.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * launchBare starts Chromium headless with a fresh profile and gc()
 * exposed to every script, and resolves to {send, on, close, pid}: send(method,
 * params, sessionId) resolves to a command's result; on(method, f) hears
 * events.
 */
export async function launchBare(extra = []) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'soak-profile-'));
  const proc = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--js-flags=--expose-gc', `--user-data-dir=${profile}`, '--remote-debugging-pipe', ...extra, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const [, , , toChrome, fromChrome] = proc.stdio;
  let id = 0;
  const waiting = new Map();
  const listeners = new Map();
  let buf = '';
  fromChrome.on('data', (d) => {
    buf += d.toString();
    let end;
    while ((end = buf.indexOf('\0')) >= 0) {
      const m = JSON.parse(buf.slice(0, end));
      buf = buf.slice(end + 1);
      if (m.id && waiting.has(m.id)) {
        const { resolve, reject, method } = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error) reject(new Error(`${method}: ${m.error.message}`));
        else resolve(m.result);
      } else if (m.method) {
        for (const f of listeners.get(m.method) || []) f(m.params, m.sessionId);
      }
    }
  });
  const exited = new Promise((r) => proc.on('exit', r));
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const msg = { id: ++id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    waiting.set(msg.id, { resolve, reject, method });
    toChrome.write(`${JSON.stringify(msg)}\0`);
  });
  const on = (method, f) => listeners.set(method, [...(listeners.get(method) || []), f]);
  const close = async () => {
    send('Browser.close').catch(() => {});
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    proc.kill();
    rmSync(profile, { recursive: true, force: true });
  };
  return { send, on, close, pid: proc.pid };
}

/**
 * openBare opens url in a new tab of browser and resolves to the page:
 * {session, evaluate(fn, ...args)}, evaluate running fn (a function,
 * awaited) in the page with JSON arguments and resolving to its JSON
 * result. The page's dedicated workers are attached too (no domain
 * enabled), so that workers(fn) evaluates fn in each.
 */
export async function openBare(browser, url) {
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true });
  const workers = new Set();
  browser.on('Target.attachedToTarget', (p, parent) => {
    if (parent === sessionId && p.targetInfo.type === 'worker') workers.add(p.sessionId);
  });
  browser.on('Target.detachedFromTarget', (p) => workers.delete(p.sessionId));
  await browser.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, sessionId);
  const run = async (session, fn, args) => {
    const r = await browser.send('Runtime.evaluate', {
      expression: `(${fn})(...${JSON.stringify(args)})`, awaitPromise: true, returnByValue: true,
    }, session);
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
    return r.result.value;
  };
  await browser.send('Page.enable', {}, sessionId);
  const loaded = new Promise((r) => browser.on('Page.loadEventFired', (_, s) => s === sessionId && r()));
  await browser.send('Page.navigate', { url }, sessionId);
  await loaded;
  return {
    session: sessionId,
    evaluate: (fn, ...args) => run(sessionId, fn, args),
    workers: (fn, ...args) => Promise.all([...workers].map((s) => run(s, fn, args).catch(() => null))),
    /** sessions returns the page's session and its workers'. */
    sessions: () => [sessionId, ...workers],
    /** serviceWorkers evaluates fn in each service worker of the browser. */
    async serviceWorkers(fn, ...args) {
      const { targetInfos } = await browser.send('Target.getTargets');
      const out = [];
      for (const t of targetInfos.filter((x) => x.type === 'service_worker')) {
        const { sessionId: s } = await browser.send('Target.attachToTarget', { targetId: t.targetId, flatten: true });
        out.push(await run(s, fn, args).catch(() => null));
        await browser.send('Target.detachFromTarget', { sessionId: s }).catch(() => {});
      }
      return out;
    },
    /** waitFor polls fn in the page until it returns a truthy value. */
    async waitFor(fn, args = [], timeout = 60_000) {
      const end = Date.now() + timeout;
      for (;;) {
        const v = await run(sessionId, fn, args);
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
