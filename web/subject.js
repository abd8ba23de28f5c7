// The subject found by the network: when a photo comes in, the engine's
// first network proposes what it shows among the collection's nouns
// (worker-collection.js subject), and the subject menu takes the guess
// unless the user chose one for this photo; the user can change it. The
// references are ranked once the guess is in (moods.js waits for it, a
// few seconds at most: the first network may still be building).
import { $, say } from './dom.js';
import { retrieve } from './moods.js';
import { state, set, subscribe, debug } from './state.js';

// How long a ranking waits for the photo's guess; one that comes later
// ranks the references again.
const WAIT_MS = 3000;
let engine;
let chosen = null; // the photo id for which the user chose the subject themselves
let current = null; // {id, done: Promise, late}: the guess of the latest photo

/** init wires the guess to eng. */
export function init(eng) {
  engine = eng;
  $('noun').addEventListener('change', () => {
    chosen = state.photo?.id ?? null;
    say('noun-guess');
  });
  subscribe((changed) => {
    if (changed.has('photo') || changed.has('ready')) {
      if (!state.photo) say('noun-guess');
      else if (state.ready) guessFor(state.photo);
    }
  });
}

/** guessed resolves once photo's guess is in (and its subject chosen), or after a few seconds. */
export function guessed(photo) {
  if (!photo || !state.ready) return Promise.resolve();
  const g = guessFor(photo);
  return Promise.race([g.done, new Promise((resolve) => setTimeout(() => { g.late = true; resolve(); }, WAIT_MS))]);
}

// guessFor starts the guess of photo, once.
function guessFor(photo) {
  if (current?.id !== photo.id) {
    const g = { id: photo.id, late: false };
    g.done = guess(photo, g).catch(() => {});
    current = g;
  }
  return current;
}

async function guess(photo, g) {
  const r = await engine.request('subject', { size: Number($('size').value) });
  if (current !== g || state.photo !== photo || !r?.guesses?.length) return;
  const [first, ...next] = r.guesses;
  debug.metrics.subject = { guesses: r.guesses.slice(0, 3), ms: r.ms };
  if (chosen === photo.id) return;
  const then = next.slice(0, 2).map((x) => x.name);
  say('noun-guess', `The network sees ${/^[aeiou]/i.test(first.name) ? 'an' : 'a'} ${first.name} in your photo${then.length ? ` (else ${then.join(' or ')})` : ''}: its references come first. Change it above if that is wrong.`);
  if (state.noun === first.name || state.running) return;
  $('noun').value = first.name;
  set({ noun: first.name });
  // A ranking that did not wait for it ranks again.
  if (g.late) retrieve();
}
