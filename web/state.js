// The page's one state. Feature modules change it only through set, which
// tells every subscriber which keys changed; each module draws its own part
// of the page from it. Nothing else in the page holds state that another
// module reads.

export const state = {
  ready: false, // the engine answered 'load'
  constants: null, // Go's limits: {minSide, maxSide, maxPixels, maxAspect, workingSize, colourLeadPercent, …}
  vocabulary: null, // {adjectives: [{name, polarity, count}], nouns: [{name, count}]}
  backbones: [], // network names, from site.json, the first loaded up front
  backbone: '', // the chosen network's name
  // name → {label, note, about (what the page says of it), size (weights' bytes), kept (in storage), status ('absent',
  // 'kept', 'downloading', 'building', 'ready'), loaded (bytes so far),
  // defaults ({size, iterations, strength}), estimates ({[size]: {first, perIteration}})}
  networks: {},
  kept: null, // what the page keeps on this device: {bytes, networks, pictures}
  own: null, // the user's own references kept in this browser: {refs: [{key, file, adjective, noun, bytes, picture}], bytes, problem}
  file: null, // the photo's File: re-read if the worker restarts; before the first load, the photo waiting for it
  reading: false, // a photo is being read and handed to the worker: no run starts until it is in
  photo: null, // {id, name, w, h}: a new id for every photo taken
  screen: null, // ImageBitmap at display size: the "before"
  adjective: '',
  noun: '',
  reference: null, // {file, label} from the index or {own: name}
  ownRef: null, // the user's own reference File
  running: null, // the run in progress, owning its inputs: {photoId, adjective, noun, reference, backbone, size, iterations}
  result: null, // the last finished run: its inputs as above, plus {ms, iterations}
  strength: 1,
  exporting: '', // the format being exported, '' when none
};

const subscribers = [];

/** subscribe calls fn(changed) after every set; changed is the set of keys set. */
export function subscribe(fn) {
  subscribers.push(fn);
}

/** set changes the state and tells the subscribers. */
export function set(patch) {
  Object.assign(state, patch);
  const changed = new Set(Object.keys(patch));
  for (const fn of subscribers) fn(changed);
}

/**
 * iterationsIn reads a typed number of iterations as a run takes it: 0
 * (the default) to 1000, whole. Here, not in run.js, so that the network's
 * estimate reads it too without the two modules importing each other.
 */
export function iterationsIn(value) {
  const typed = Math.round(Number(value));
  return Math.max(0, Math.min(1000, Number.isFinite(typed) ? typed : 0));
}

/** locked reports whether a run owns the inputs now (mood, reference, photo, settings). */
export function locked() {
  return !!state.running;
}

// The one object for tests and the curious in the console: figures the
// page measured, the state, and three knobs for tests: the strip height of
// exports (0: the worker's choice), how long a cancel may take before the
// worker is replaced, and whether the slider asks the worker for its exact
// rendering (false leaves the instant blend on the canvas).
export const debug = { metrics: { start: performance.now() }, state, stripRows: 0, cancelWaitMs: 1500, exactStrength: true };
globalThis.sentimentDebug = debug;
