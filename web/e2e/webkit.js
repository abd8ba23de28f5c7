// WebKit for the browser tests: Debian's WebKitGTK MiniBrowser driven by
// its WebKitWebDriver over classic W3C WebDriver (HTTP and JSON), spoken
// here with node's own fetch. The tests need a dozen commands; the npm
// clients (selenium-webdriver, webdriver) need a newer node than Debian's
// and bring tens of megabytes for protocols WebKitGTK does not speak.
// WebKitGTK needs a display: run.sh runs these tests under xvfb-run.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

const W3C_ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** browserBinary finds WebKitGTK's MiniBrowser (WEBKIT_BROWSER overrides). */
export function browserBinary() {
  if (process.env.WEBKIT_BROWSER) return process.env.WEBKIT_BROWSER;
  for (const lib of ['/usr/lib', '/usr/libexec']) {
    for (const d of existsSync(lib) ? readdirSync(lib) : []) {
      for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
        for (const p of [`${lib}/${d}/${api}/MiniBrowser`, `${lib}/${api}/MiniBrowser`]) if (existsSync(p)) return p;
      }
    }
  }
  throw new Error('no WebKitGTK MiniBrowser: apt-get install webkit2gtk-driver (or set WEBKIT_BROWSER)');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * startDriver starts WebKitWebDriver on a free loopback port and resolves
 * to {url, stop, session}: session(options) opens a window as Session.open
 * does. Now and then the driver never answers a new session (the browser
 * it launches does not come up); a driver silent for a minute is started
 * afresh and asked once more. WEBKIT_DRIVER overrides its path.
 */
export async function startDriver() {
  let d = await launch();
  return {
    get url() { return d.url; },
    stop: () => d.stop(),
    async session(options = {}) {
      try {
        return await Session.open(d.url, { ...options, timeout: 60_000 });
      } catch (e) {
        if (e?.name !== 'TimeoutError') throw e;
        await d.stop();
        d = await launch();
        return Session.open(d.url, options);
      }
    },
  };
}

// launch starts one WebKitWebDriver and resolves to {url, stop}.
async function launch() {
  const bin = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
  if (!existsSync(bin)) throw new Error(`no WebKitWebDriver at ${bin}: apt-get install webkit2gtk-driver`);
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) throw new Error('WebKitGTK needs a display: run the WebKit tests under xvfb-run (web/e2e/run.sh does)');
  const port = await freePort();
  const p = spawn(bin, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  p.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (p.exitCode !== null) throw new Error(`WebKitWebDriver exited (${p.exitCode}): ${log}`);
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) break;
    } catch {}
    if (i > 200) throw new Error(`WebKitWebDriver did not answer on ${url}: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: () => new Promise((done) => {
      if (p.exitCode !== null) return done();
      p.on('exit', () => done());
      p.kill();
    }),
  };
}

/** WebDriverError is a command the driver refused, with its W3C error code. */
export class WebDriverError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** A WebDriver session: one browser window of its own, with a fresh profile. */
export class Session {
  /**
   * open starts a browser through the driver at url; with timeout (ms),
   * a driver that does not answer in time fails it with a TimeoutError.
   */
  static async open(url, { width = 1280, height = 900, timeout } = {}) {
    const s = new Session(url, null);
    const r = await s.cmd('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: browserBinary(), args: ['--automation'] } } },
    }, timeout);
    s.id = r.sessionId;
    s.capabilities = r.capabilities;
    await s.cmd('POST', `/session/${s.id}/timeouts`, { script: 300_000 });
    await s.resize(width, height);
    return s;
  }

  constructor(url, id) {
    this.url = url;
    this.id = id;
  }

  async cmd(method, path, body, timeout) {
    const r = await fetch(this.url + path, {
      method, headers: { 'content-type': 'application/json; charset=utf-8' }, body: body === undefined ? undefined : JSON.stringify(body),
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
    const j = await r.json();
    if (!r.ok || j.value?.error) throw new WebDriverError(j.value?.error || r.status, j.value?.message || JSON.stringify(j));
    return j.value;
  }

  s(path) {
    return `/session/${this.id}${path}`;
  }

  /** goto navigates the window to url and waits for its load. */
  goto(url) {
    return this.cmd('POST', this.s('/url'), { url });
  }

  /** reload reloads the page. */
  reload() {
    return this.cmd('POST', this.s('/refresh'), {});
  }

  /** resize sets the window's outer size. */
  async resize(width, height) {
    await this.cmd('POST', this.s('/window/rect'), { width, height });
  }

  /** eval runs fn (a function) in the page with args and returns its result (a promise's, awaited). */
  eval(fn, ...args) {
    const script = `return Promise.resolve((${fn}).apply(null, arguments)).then((v) => v === undefined ? null : v);`;
    return this.cmd('POST', this.s('/execute/sync'), { script, args });
  }

  /** until polls fn(arg) in the page until it returns something true, and returns that. */
  async until(fn, arg = null, timeout = 120_000, what = String(fn)) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await this.eval(fn, arg);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** find returns the WebDriver reference of the element css selects. */
  async find(css) {
    const r = await this.cmd('POST', this.s('/element'), { using: 'css selector', value: css });
    return r[W3C_ELEMENT];
  }

  /** click clicks the element css selects, as a person would (scrolled into view, hit-tested). */
  async click(css) {
    await this.cmd('POST', this.s(`/element/${await this.find(css)}/click`), {});
  }

  /** type sends text as key strokes to the element css selects; to a file input, a path is the file chosen. */
  async type(css, text) {
    await this.cmd('POST', this.s(`/element/${await this.find(css)}/value`), { text });
  }

  /** screenshot returns the window's viewport as PNG bytes. */
  async screenshot() {
    return Buffer.from(await this.cmd('GET', this.s('/screenshot')), 'base64');
  }

  /** close ends the session and its browser. */
  async close() {
    if (this.id) await this.cmd('DELETE', this.s('')).catch(() => {});
    this.id = null;
  }
}

/** Keys for type: the W3C WebDriver code points. */
export const Key = { LEFT: '\uE012', RIGHT: '\uE014', HOME: '\uE011', END: '\uE010', TAB: '\uE004' };
