// The service worker (copied to the site's root by the build, so that it
// controls the whole site): it keeps the page's own files, site.json, the
// manifests, the reference pictures and their credits in Cache Storage, so
// that after the first visit the page loads, retrieves, transfers and
// exports with no server. Every request goes to the network first (a
// rebuilt site is picked up at once) and falls back to the kept copy.
// The engine, weights and index are not kept here: assets.js keeps them,
// checked by their sha256, and reads them from its own cache first.
//
// The reference pictures (several MB, the bulk of a first visit) are not
// fetched with the page: the page asks for them ('keep-pictures') once its
// engine is ready, and they come one at a time at low priority, so that
// the first visit is usable as soon as the engine, network and index are
// in. Each client hears how many are kept ({type: 'pictures', kept, total}).
const CACHE = 'sentiment-page-v1';
// The page's files: index.html and every module it and the worker import.
const PAGE = ['./', 'index.html', 'site.json', 'wasm_exec.js', 'refs/attribution.json',
  'web/app.js', 'web/assets.js', 'web/batch.js', 'web/collection.js', 'web/compare.js', 'web/dom.js', 'web/engine.js', 'web/fit.js', 'web/moods.js',
  'web/network.js', 'web/offline.js', 'web/own-store.js', 'web/photo.js', 'web/png.js', 'web/result.js', 'web/run.js', 'web/state.js', 'web/style.css',
  'web/subject.js', 'web/white.js', 'web/worker.js', 'web/worker-batch.js', 'web/worker-collection.js', 'web/worker-export.js', 'web/worker-photo.js', 'web/worker-session.js', 'web/worker-start.js', 'web/worker-transfer.js'];
// Kept by assets.js under their hash: never twice.
const BIG = /\.(wasm|weights|bin)$/;

self.addEventListener('install', (e) => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PAGE.map((u) => new Request(u, { cache: 'no-cache' })));
    await keepPage(cache);
    await self.skipWaiting();
  })());
});

// listed returns the kept site.json's manifests and the kept credits'
// reference pictures, as URLs relative to the site.
async function listed(cache) {
  const site = await (await cache.match('site.json')).json();
  const refs = site.index ? await (await cache.match('refs/attribution.json')).json() : [];
  return { manifests: site.backbones.map((b) => b.manifest), pictures: refs.map((r) => `refs/${r.picture}`) };
}

// keepPage keeps the manifests the kept site.json lists and lets go of
// pictures the kept credits no longer list (a rebuilt site).
async function keepPage(cache) {
  const { manifests, pictures } = await listed(cache);
  const missing = [];
  for (const u of manifests) if (!(await cache.match(u))) missing.push(u);
  await cache.addAll(missing.map((u) => new Request(u, { cache: 'no-cache' })));
  const want = new Set(pictures.map((u) => new URL(u, self.location).href));
  for (const req of await cache.keys()) {
    if (/\/refs\/[^/]+\.jpg$/.test(req.url) && !want.has(req.url)) await cache.delete(req);
  }
}

let keeping = null; // the pictures' download in progress

// keepPictures keeps every reference picture the kept credits list (all of
// them, so that any mood works offline, not only those seen), one at a
// time at low priority, and tells the clients how far it is. A picture
// that fails is tried again on the next visit's request.
function keepPictures() {
  keeping ||= (async () => {
    const cache = await caches.open(CACHE);
    const { pictures } = await listed(cache);
    let kept = 0;
    const tell = async () => {
      for (const c of await self.clients.matchAll()) c.postMessage({ type: 'pictures', kept, total: pictures.length });
    };
    for (const u of pictures) {
      if (!(await cache.match(u))) {
        try {
          const res = await fetch(u, { cache: 'no-cache', priority: 'low' });
          if (!res.ok) continue;
          await cache.put(u, res);
        } catch {
          continue;
        }
      }
      kept++;
      if (kept % 10 === 0) await tell();
    }
    await tell();
  })().finally(() => { keeping = null; });
  return keeping;
}

self.addEventListener('message', (e) => {
  if (e.data?.type === 'keep-pictures') e.waitUntil(keepPictures());
});

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
      // Keep the fresh copy of what is kept already (or of the page
      // itself), unless the kept copy is the same (its ETag, the file's
      // sha256): a copy put again is the response cloned, its body held
      // twice until this worker's garbage is collected, which it may not
      // be while the page keeps it busy (a reference picture each time
      // one is chosen: 300 KiB of the renderer's memory a choice).
      if (res.ok && res.status === 200) {
        const cache = await caches.open(CACHE);
        const kept = await cache.match(req);
        const tag = res.headers.get('ETag');
        if ((req.mode === 'navigate' || kept) && !(tag && kept?.headers.get('ETag') === tag)) await cache.put(req, res.clone());
        // The worker reads site.json on every visit: then the credits are
        // read afresh and the kept pictures made to match a rebuilt site.
        if (url.pathname.endsWith('/site.json')) {
          e.waitUntil(fetch('refs/attribution.json', { cache: 'no-cache' })
            .then((r) => r.ok && cache.put('refs/attribution.json', r))
            .then(() => keepPage(cache))
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
