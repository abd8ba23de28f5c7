// The subject found by the network: when a photo comes in, the engine's
// first network proposes what it shows among the collection's nouns
// (worker-collection.js subject), and the subject menu takes the guess
// unless the user chose one for this photo; the user can change it. The
// references are ranked once the guess is in (moods.js waits for it).
import { $, say } from './dom.js';
import { state, set, subscribe, debug } from './state.js';

// How long a ranking waits for the photo's guess (the first network may
// still be building); one that comes later is only offered, so that the
// references shown, and the one chosen, do not change under the user.
const WAIT_MS = 8000;
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
  const sees = `The network sees ${/^[aeiou]/i.test(first.name) ? 'an' : 'a'} ${first.name} in your photo${then.length ? ` (else ${then.join(' or ')})` : ''}`;
  if (g.late || state.running) {
    say('noun-guess', `${sees}: choose it above for its references to come first.`);
    return;
  }
  say('noun-guess', `${sees}: its references come first. Change it above if that is wrong.`);
  $('noun').value = first.name;
  set({ noun: first.name });
}
