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
 * messages. reload bypasses the HTTP cache (a retry after a bad download);
 * signal (an AbortSignal) stops the download with a DownloadError whose
 * cancelled is set. It resolves to {bytes: Uint8Array, cached: boolean,
 * kept: boolean}: kept says a copy is in storage for the next visit.
 */
export async function fetchVerified(file, base, label, onBytes, { reload = false, signal } = {}) {
  const url = new URL(file.url, base);
  const key = keyOf(file, base);
  const cache = await openCache();
  if (cache) {
    const hit = await cache.match(key);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (bytes.length === file.size && (await sha256(bytes)) === file.sha256) {
        onBytes(file.size);
        return { bytes, cached: true, kept: true };
      }
      await cache.delete(key); // damaged in storage: fetch again
    }
  }
  let res;
  try {
    res = await fetch(url, { cache: reload ? 'reload' : 'no-cache', signal });
  } catch (e) {
    if (signal?.aborted) throw cancelled(label);
    throw new DownloadError(`Could not download the ${label}: the network request failed (${e.message}). Check the connection and retry.`);
  }
  if (!res.ok) {
    throw new DownloadError(`Could not download the ${label}: the server answered ${res.status} ${res.statusText}.`);
  }
  const bytes = await readAll(res, file, label, onBytes, signal);
  const got = await sha256(bytes);
  if (got !== file.sha256) {
    throw new DownloadError(`The ${label} failed its integrity check: its sha256 is ${got.slice(0, 12)}…, the site says ${file.sha256.slice(0, 12)}…. The download was damaged or tampered with; nothing of it was used.`);
  }
  let kept = false;
  if (cache) {
    try {
      await cache.put(key, new Response(bytes, { headers: { 'Content-Type': res.headers.get('Content-Type') || 'application/octet-stream' } }));
      // Older versions of the same file are dead weight.
      for (const req of await cache.keys()) {
        const u = new URL(req.url);
        if (u.origin + u.pathname === url.origin + url.pathname && req.url !== key) await cache.delete(req);
      }
      kept = true;
    } catch {
      // Out of quota or storage disabled: the page still works this visit.
    }
  }
  return { bytes, cached: false, kept };
}

/**
 * isKept reports whether storage holds a copy of file (as fetchVerified
 * keeps it), without reading it: what the page may say it keeps, and
 * whether choosing a network downloads anything. fetchVerified still checks
 * the copy's hash when it is used.
 */
export async function isKept(file, base) {
  const cache = await openCache();
  return !!cache && !!(await cache.match(keyOf(file, base)));
}

// keyOf is the storage key of file: the hash in it ties the copy to one
// version of the file, so a rebuilt site has new hashes and so new keys.
function keyOf(file, base) {
  return `${new URL(file.url, base).href}?sha256=${file.sha256}`;
}

function cancelled(label) {
  const e = new DownloadError(`The download of the ${label} was cancelled; nothing of it was kept.`);
  e.cancelled = true;
  return e;
}

// readAll reads the body into one buffer of the expected size, reporting
// progress. The size is the file's (Content-Length may count gzip bytes).
async function readAll(res, file, label, onBytes, signal) {
  const out = new Uint8Array(file.size);
  let n = 0;
  const reader = res.body.getReader();
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (signal?.aborted) throw cancelled(label);
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
