// The example transcripts of the protocol spec (copied into ./fixtures/),
// loaded once and handed out as fresh deep copies.
import { readFileSync, readdirSync } from 'node:fs';

const DIR = new URL('./fixtures/', import.meta.url);

export const FIXTURE_FILES = {
  plain: '01-chat-plain.ndjson',
  thinking: '02-chat-thinking.ndjson',
  errorMidstream: '05-error-midstream.ndjson',
  image: '07-image-generation.ndjson',
  video: '10-video-generation.ndjson',
};

const cache = new Map();

function parse(file) {
  return readFileSync(new URL(file, DIR), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Frames of one fixture (key of FIXTURE_FILES), as a fresh deep copy. */
export function fixtureFrames(key) {
  const file = FIXTURE_FILES[key];
  if (!file) throw new Error(`unknown fixture ${key}`);
  if (!cache.has(file)) cache.set(file, parse(file));
  return structuredClone(cache.get(file));
}

/** Every generated media path (`users/.../*.jpg|mp4`) mentioned by a fixture. */
export function fixtureMediaPaths() {
  const paths = new Set();
  for (const file of readdirSync(DIR)) {
    if (!file.endsWith('.ndjson')) continue;
    const text = readFileSync(new URL(file, DIR), 'utf8');
    for (const m of text.matchAll(/users\/[A-Za-z0-9/_.-]+?\.(?:jpg|jpeg|png|webp|mp4)/g)) {
      paths.add(m[0]);
    }
  }
  return paths;
}
