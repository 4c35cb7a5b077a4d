// Example transcripts, loaded once and handed out as fresh deep copies:
// the protocol spec's examples (copied into ./fixtures/, replayed as-is) and
// the fake's own transcripts composed from the spec's prose (./transcripts/).
import { readFileSync, readdirSync } from 'node:fs';

const ROOT = new URL('./', import.meta.url);
const DIRS = ['fixtures/', 'transcripts/'];

export const FIXTURE_FILES = {
  plain: 'fixtures/01-chat-plain.ndjson',
  thinking: 'fixtures/02-chat-thinking.ndjson',
  errorMidstream: 'fixtures/05-error-midstream.ndjson',
  image: 'fixtures/07-image-generation.ndjson',
  video: 'fixtures/10-video-generation.ndjson',
  /** Card-based image generation (spec §5.3 `cardAttachment`, §5.4 `<grok:render>`, §6.1 "newer"). */
  cardImage: 'transcripts/card-image.ndjson',
};

const cache = new Map();

function parse(file) {
  return readFileSync(new URL(file, ROOT), 'utf8')
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

/** Every generated media path (`users/.../*.jpg|mp4`) mentioned by a fixture or transcript. */
export function fixtureMediaPaths() {
  const paths = new Set();
  for (const dir of DIRS) {
    for (const file of readdirSync(new URL(dir, ROOT))) {
      if (!file.endsWith('.ndjson')) continue;
      const text = readFileSync(new URL(dir + file, ROOT), 'utf8');
      for (const m of text.matchAll(/users\/[A-Za-z0-9/_.-]+?\.(?:jpg|jpeg|png|webp|mp4)/g)) {
        paths.add(m[0]);
      }
    }
  }
  return paths;
}
