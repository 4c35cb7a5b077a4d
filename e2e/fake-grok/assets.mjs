// Media bytes served on the asset paths (E12, spec §1, §5.9): uploaded files,
// the generated images/videos named by the fixtures and transcripts, images issued by the
// Imagine WebSocket (`/imagine-public/images/<id>.jpg`), and large benchmark
// images; plus HTTP Range handling.
import { fixtureMediaPaths } from './fixtures.mjs';
import { sha256Hex } from './http-util.mjs';
import { getUpload } from './state.mjs';

// A valid 8x8 baseline JPEG (269 bytes).
const TINY_JPEG = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/' +
    '2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/' +
    'wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEB' +
    'AQAAAAAAAAAAAAAAAAAABQf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCAAJTX/9k=',
  'base64',
);

/** Largest `/users/bench/<size>.jpg` served. */
export const MAX_BENCH_BYTES = 256 * 1024 * 1024;

const GENERATED_PATHS = fixtureMediaPaths();

/** JPEG COM segment (0xFFFE) carrying `payload` (≤ 65533 bytes). */
function comSegment(payload) {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xfffe, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** The tiny JPEG with a comment naming `path`: distinct bytes, still valid. */
export function jpegFor(path) {
  return Buffer.concat([
    TINY_JPEG.subarray(0, 2),
    comSegment(Buffer.from(`fake-grok ${path}`)),
    TINY_JPEG.subarray(2),
  ]);
}

function mp4Box(type, payload) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

/** A few KB starting with a valid `ftyp` box, then `free` (the path) and `mdat`. */
export function mp4For(path) {
  const minor = Buffer.alloc(4);
  minor.writeUInt32BE(0x200, 0);
  const ftyp = mp4Box('ftyp', Buffer.concat([Buffer.from('isom'), minor, Buffer.from('isomiso2avc1mp41')]));
  const seed = Buffer.from(sha256Hex(path), 'hex');
  const mdat = Buffer.alloc(3072);
  for (let i = 0; i < mdat.length; i++) mdat[i] = seed[i % seed.length] ^ (i & 0xff);
  return Buffer.concat([ftyp, mp4Box('free', Buffer.from(`fake-grok ${path}`)), mp4Box('mdat', mdat)]);
}

const benchCache = new Map();

/** `size` bytes: a valid JPEG whose bulk is ASCII filler in COM segments. */
export function benchJpeg(size) {
  if (benchCache.has(size)) return benchCache.get(size);
  let bytes;
  const fillerTotal = size - TINY_JPEG.length;
  if (fillerTotal <= 0) {
    bytes = TINY_JPEG.subarray(0, size);
  } else {
    const segments = [];
    let left = fillerTotal;
    const pattern = Buffer.from('fake-grok bench filler 0123456789 ');
    while (left >= 4) {
      // keep the last segment at least 4 bytes (marker + length)
      let take = Math.min(left, 65537);
      if (left - take > 0 && left - take < 4) take -= 4;
      const payload = Buffer.alloc(take - 4).fill(pattern);
      segments.push(comSegment(payload));
      left -= take;
    }
    // 1..3 bytes that cannot form a segment go after the end-of-image marker.
    bytes = Buffer.concat([TINY_JPEG.subarray(0, 2), ...segments, TINY_JPEG.subarray(2), Buffer.alloc(left)]);
  }
  if (benchCache.size >= 4) benchCache.delete(benchCache.keys().next().value);
  benchCache.set(size, bytes);
  return bytes;
}

/** Size of a final Imagine image: its base64 is > 100 000 chars (CY-2 "final" threshold, spec §6.2). */
export const IMAGINE_FINAL_BYTES = 76_000;

/** Path (no leading slash) under which an Imagine image id is served. */
export const imaginePath = (id) => `imagine-public/images/${id}.jpg`;

const IMAGINE_PATH_RE = /^imagine-public\/images\/([0-9a-f-]{36})\.jpg$/;

/**
 * Bytes of an Imagine WebSocket image: a valid JPEG naming the id (distinct per
 * id). `stage` "final" (served at the image URL) is padded with COM filler to
 * IMAGINE_FINAL_BYTES; previews ("preview-50" …) stay small (< 1 KB).
 */
export function imagineJpeg(id, stage = 'final') {
  const label = comSegment(Buffer.from(`fake-grok imagine ${id} ${stage}`));
  const parts = [TINY_JPEG.subarray(0, 2), label];
  if (stage === 'final') {
    let left = IMAGINE_FINAL_BYTES - TINY_JPEG.length - label.length;
    const pattern = Buffer.from('fake-grok imagine filler ');
    while (left >= 4) {
      let take = Math.min(left, 65537);
      if (left - take > 0 && left - take < 4) take -= 4;
      parts.push(comSegment(Buffer.alloc(take - 4).fill(pattern)));
      left -= take;
    }
  }
  parts.push(TINY_JPEG.subarray(2));
  return Buffer.concat(parts);
}

function typeOf(path) {
  if (/\.mp4$/i.test(path)) return 'video/mp4';
  if (/\.png$/i.test(path)) return 'image/png';
  if (/\.webp$/i.test(path)) return 'image/webp';
  return 'image/jpeg';
}

/**
 * Bytes for an asset path (without leading slash), or null when the fake
 * never returned that path. Returns `{error}` for a bad bench size.
 */
export function resolveAsset(state, path) {
  const bench = /^users\/bench\/(\d+)\.jpg$/.exec(path);
  if (bench) {
    const size = Number(bench[1]);
    if (!(size >= 1 && size <= MAX_BENCH_BYTES)) return { error: `bench size must be 1..${MAX_BENCH_BYTES}` };
    return { bytes: benchJpeg(size), contentType: 'image/jpeg' };
  }
  const imagine = IMAGINE_PATH_RE.exec(path);
  if (imagine) {
    return state.imagineImages.has(imagine[1]) ? { bytes: imagineJpeg(imagine[1]), contentType: 'image/jpeg' } : null;
  }
  const upload = getUpload(state, path);
  if (upload) return { bytes: upload.bytes, contentType: upload.mime };
  if (GENERATED_PATHS.has(path)) {
    const contentType = typeOf(path);
    return { bytes: contentType === 'video/mp4' ? mp4For(path) : jpegFor(path), contentType };
  }
  return null;
}

/**
 * Interpret a Range header for `size` bytes: null = serve everything,
 * 'unsatisfiable', or {start, end} (inclusive). Multiple ranges are ignored
 * (full answer), which HTTP allows.
 */
export function parseRange(header, size) {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return null; // invalid range: ignore it
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** Answer with `bytes`, honouring Range and HEAD. */
export function sendAsset(req, res, { bytes, contentType }) {
  const size = bytes.length;
  const common = { 'Content-Type': contentType, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, max-age=3600' };
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0, 'Accept-Ranges': 'bytes' });
    res.end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const headers = { ...common, 'Content-Length': end - start + 1 };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
}
