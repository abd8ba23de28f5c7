// Downloads of the engine, the model weights and the reference index: each
// once, kept in Cache Storage under its sha256, checked with SubtleCrypto
// before use. A damaged or tampered file is refused with a message that says
// so, and a retry downloads it afresh.

const CACHE = 'sentiment-assets-v1';

/** An error whose message is meant for the person using the page. */
export class DownloadError extends Error {}

/** sha256 returns the lowercase hex sha256 of bytes. */
export async function sha256(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Cache Storage exists only in secure contexts (https, localhost); the page
// still works without it, downloading on each visit.
async function openCache() {
  try {
    return globalThis.caches ? await caches.open(CACHE) : null;
  } catch {
    return null;
  }
}

/**
 * fetchVerified returns the bytes of file ({url, size, sha256}, url relative
 * to base), from the cache when a copy with the right hash is there, else
 * from the network. onBytes(n) is called as bytes arrive (n new bytes) and
 * once with the whole size for a cached file. label names the file in
 * messages. reload bypasses the HTTP cache (a retry after a bad download).
 * It resolves to {bytes: Uint8Array, cached: boolean}.
 */
export async function fetchVerified(file, base, label, onBytes, reload = false) {
  const url = new URL(file.url, base);
  // The hash in the key ties the copy to one version of the file; a rebuilt
  // site has new hashes and so new keys.
  const key = `${url.href}?sha256=${file.sha256}`;
  const cache = await openCache();
  if (cache) {
    const hit = await cache.match(key);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (bytes.length === file.size && (await sha256(bytes)) === file.sha256) {
        onBytes(file.size);
        return { bytes, cached: true };
      }
      await cache.delete(key); // damaged in storage: fetch again
    }
  }
  let res;
  try {
    res = await fetch(url, { cache: reload ? 'reload' : 'no-cache' });
  } catch (e) {
    throw new DownloadError(`Could not download the ${label}: the network request failed (${e.message}). Check the connection and retry.`);
  }
  if (!res.ok) {
    throw new DownloadError(`Could not download the ${label}: the server answered ${res.status} ${res.statusText}.`);
  }
  const bytes = await readAll(res, file, label, onBytes);
  const got = await sha256(bytes);
  if (got !== file.sha256) {
    throw new DownloadError(`The ${label} failed its integrity check: its sha256 is ${got.slice(0, 12)}…, the site says ${file.sha256.slice(0, 12)}…. The download was damaged or tampered with; nothing of it was used.`);
  }
  if (cache) {
    try {
      await cache.put(key, new Response(bytes, { headers: { 'Content-Type': res.headers.get('Content-Type') || 'application/octet-stream' } }));
      // Older versions of the same file are dead weight.
      for (const req of await cache.keys()) {
        const u = new URL(req.url);
        if (u.origin + u.pathname === url.origin + url.pathname && req.url !== key) await cache.delete(req);
      }
    } catch {
      // Out of quota or storage disabled: the page still works this visit.
    }
  }
  return { bytes, cached: false };
}

// readAll reads the body into one buffer of the expected size, reporting
// progress. The size is the file's (Content-Length may count gzip bytes).
async function readAll(res, file, label, onBytes) {
  const out = new Uint8Array(file.size);
  let n = 0;
  const reader = res.body.getReader();
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw new DownloadError(`The download of the ${label} broke off after ${n} of ${file.size} bytes (${e.message}). Retry.`);
    }
    if (chunk.done) break;
    const v = chunk.value;
    if (n + v.length > out.length) {
      reader.cancel();
      throw new DownloadError(`The ${label} is larger than the site says (more than ${file.size} bytes): it is not the file this page was built with.`);
    }
    out.set(v, n);
    n += v.length;
    onBytes(v.length);
  }
  if (n !== file.size) {
    throw new DownloadError(`The ${label} is incomplete: ${n} of ${file.size} bytes arrived. Retry.`);
  }
  return out;
}
