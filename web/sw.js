// The service worker (copied to the site's root by the build, so that it
// controls the whole site): it keeps the page's own files, site.json, the
// manifests, the reference pictures and their credits in Cache Storage, so
// that after the first visit the page loads, retrieves, transfers and
// exports with no server. Every request goes to the network first (a
// rebuilt site is picked up at once) and falls back to the kept copy.
// The engine, weights and index are not kept here: assets.js keeps them,
// checked by their sha256, and reads them from its own cache first.

const CACHE = 'sentiment-page-v1';
// The page's files: index.html and every module it and the worker import.
const PAGE = ['./', 'index.html', 'site.json', 'wasm_exec.js', 'refs/attribution.json',
  'web/app.js', 'web/assets.js', 'web/compare.js', 'web/dom.js', 'web/engine.js', 'web/fit.js', 'web/moods.js',
  'web/network.js', 'web/offline.js', 'web/photo.js', 'web/result.js', 'web/run.js', 'web/state.js', 'web/style.css', 'web/white.js',
  'web/worker.js', 'web/worker-export.js', 'web/worker-photo.js', 'web/worker-session.js', 'web/worker-start.js', 'web/worker-transfer.js'];
// Kept by assets.js under their hash: never twice.
const BIG = /\.(wasm|weights|bin)$/;

self.addEventListener('install', (e) => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PAGE.map((u) => new Request(u, { cache: 'no-cache' })));
    await keepAll(cache);
    await self.skipWaiting();
  })());
});

// keepAll keeps the manifests and every reference picture the kept
// site.json and credits list (all of them, so that any mood works offline,
// not only those seen), and lets go of pictures no longer listed.
async function keepAll(cache) {
  const site = await (await cache.match('site.json')).json();
  const refs = site.index ? await (await cache.match('refs/attribution.json')).json() : [];
  const want = [...site.backbones.map((b) => b.manifest), ...refs.map((r) => `refs/${r.picture}`)];
  const missing = [];
  for (const u of want) if (!(await cache.match(u))) missing.push(u);
  await cache.addAll(missing.map((u) => new Request(u, { cache: 'no-cache' })));
  const listed = new Set(want.map((u) => new URL(u, self.location).href));
  for (const req of await cache.keys()) {
    if (/\/refs\/[^/]+\.jpg$/.test(req.url) && !listed.has(req.url)) await cache.delete(req);
  }
}

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('sentiment-page-') && k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || BIG.test(url.pathname)) return;
  e.respondWith((async () => {
    try {
      const res = await fetch(req);
      // Keep the fresh copy of what is kept already (or of the page itself).
      if (res.ok && res.status === 200) {
        const cache = await caches.open(CACHE);
        if (req.mode === 'navigate' || (await cache.match(req))) await cache.put(req, res.clone());
        // The worker reads site.json on every visit: then the credits are
        // read afresh and the kept pictures made to match a rebuilt site.
        if (url.pathname.endsWith('/site.json')) {
          e.waitUntil(fetch('refs/attribution.json', { cache: 'no-cache' })
            .then((r) => r.ok && cache.put('refs/attribution.json', r))
            .then(() => keepAll(cache))
            .catch(() => {}));
        }
      }
      return res;
    } catch (err) {
      const hit = await caches.match(req, { ignoreSearch: true }) || (req.mode === 'navigate' && await caches.match('index.html'));
      if (hit) return hit;
      throw err;
    }
  })());
});
