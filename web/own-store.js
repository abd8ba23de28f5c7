// The user's own references on this device: an IndexedDB database of one
// store, a record per picture, kept by this browser for this site only and
// never sent anywhere. A record is {key, file, adjective, noun, added,
// bytes, picture: Blob (the JPEG at the working size), index: Uint8Array
// (its one-entry reference index, as the engine's describe made it)}; key
// names the picture (16 hex digits of the sha256 of the photo it came from,
// then .jpg). Every change is one transaction: all of it, or nothing.

const DB = 'sentiment-own';
const STORE = 'refs';
let opened = null; // the promise of the database

/** An error of the storage itself (unavailable, full), in words for people. */
export class StoreError extends Error {}

function open() {
  opened ??= new Promise((resolve, reject) => {
    let req;
    try {
      req = indexedDB.open(DB, 1);
    } catch (e) {
      reject(new StoreError(`This browser does not let the page keep pictures (${e.message}), so your own references cannot be kept.`));
      return;
    }
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new StoreError(`This browser does not let the page keep pictures (${req.error?.message}), so your own references cannot be kept.`));
  });
  opened.catch(() => { opened = null; });
  return opened;
}

// run runs fn on the store in one transaction and resolves with what fn
// returns once the transaction is committed (or rejects: nothing of it is
// kept then).
async function run(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const out = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(out.result ?? out);
    tx.onabort = tx.onerror = () => reject(storeError(tx.error));
  });
}

function storeError(e) {
  if (e?.name === 'QuotaExceededError') {
    return new StoreError('This browser has no room left for this site, so nothing was added: remove some of your references (or free space on the device) and add them again.');
  }
  return new StoreError(`This browser could not keep your references (${e?.message || e}); nothing was changed.`);
}

/** all resolves to every record, oldest first. */
export async function all() {
  const rs = await run('readonly', (s) => s.getAll());
  return rs.sort((a, b) => a.added - b.added || (a.key < b.key ? -1 : 1));
}

/** put keeps records, all or none. */
export function put(records) {
  return run('readwrite', (s) => {
    for (const r of records) s.put(r);
    return records.length;
  });
}

/** remove forgets the records of keys, all or none. */
export function remove(keys) {
  return run('readwrite', (s) => {
    for (const k of keys) s.delete(k);
    return keys.length;
  });
}

/** clear forgets every record. */
export function clear() {
  return run('readwrite', (s) => s.clear());
}
