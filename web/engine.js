// The page's side of the engine worker: requests as promises, events to
// callbacks, and a restart when a cancel is not answered in time.

/** The error of a request that the worker refused or that was cut short. */
export class EngineError extends Error {
  constructor(message, kind) {
    super(message);
    this.kind = kind; // 'download', 'engine', 'cancelled', 'restarted'
  }
}

export class Engine {
  /** onEvent(msg) gets the worker's events: 'load', 'network', 'progress', 'export' and 'backbone'. */
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.pending = new Map();
    this.nextId = 1;
    this.spawn();
  }

  spawn() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => {
      const m = e.data;
      if (m.event) {
        this.onEvent(m);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new EngineError(m.error, m.kind));
    };
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.failAll(new EngineError(`The engine stopped: ${e.message || 'its script failed to load'}.`, 'engine'));
    };
  }

  /** request sends {type, ...fields} and resolves to the worker's result. */
  request(type, fields = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, type });
      this.worker.postMessage({ id, type, ...fields }, transfer);
    });
  }

  /** cancel asks the running transfer to stop between two iterations. */
  cancel() {
    this.worker.postMessage({ type: 'cancel' });
  }

  /** cancelReference stops the download of a reference picture, if one runs. */
  cancelReference() {
    this.worker.postMessage({ type: 'cancelReference' });
  }

  /** cancelBatch stops the running batch: the photo at work is cancelled, no other starts. */
  cancelBatch() {
    this.worker.postMessage({ type: 'cancelBatch' });
  }

  /** cancelNetwork stops the download of the network name, if one runs. */
  cancelNetwork(name) {
    this.worker.postMessage({ type: 'cancelNetwork', name });
  }

  /**
   * restart ends the worker at once (whatever it is computing) and starts a
   * new one; the caller loads it again. Pending requests fail as
   * 'restarted'.
   */
  restart() {
    this.worker.terminate();
    this.failAll(new EngineError('The engine was restarted.', 'restarted'));
    this.spawn();
  }

  failAll(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
