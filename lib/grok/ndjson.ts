/**
 * @module grok/ndjson
 * Bytes → JSON frames (spec §5.1). Survives frames and UTF-8 characters split across network chunks,
 * CRLF, blank and garbage lines, the SSE-wrapped form (`data: {…}`, `event:` lines, `data: [DONE]`) and
 * objects concatenated without any separator (found by a string- and escape-aware brace scan).
 */

export type Frame = Record<string, unknown>;

/** Frames larger than this are treated as a broken stream rather than buffered forever. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export class FrameTooLargeError extends Error {
  constructor(limit: number) {
    super(`upstream frame exceeds ${limit} bytes`);
  }
}

const utf8 = new TextEncoder();
/** UTF-8 size, computed only when the cheap character count says it might matter. */
function tooLarge(text: string, limit: number): boolean {
  return text.length > limit || (text.length * 3 > limit && utf8.encode(text).byteLength > limit);
}

/** Parses one line; returns a frame, `'done'` for an SSE terminator, or undefined to skip it. */
export function parseLine(raw: string): Frame | 'done' | undefined {
  let line = raw.trim();
  if (line === '' || line.startsWith(':') || line.startsWith('event:') || line.startsWith('id:') || line.startsWith('retry:')) return undefined;
  if (line.startsWith('data:')) line = line.slice(5).trim();
  if (line === '[DONE]') return 'done';
  if (line[0] !== '{') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Frame) : undefined;
  } catch {
    return undefined;
  }
}

const OPEN = 123; // {
const CLOSE = 125; // }
const QUOTE = 34; // "
const BACKSLASH = 92; // \
/** A `}` followed by another object or by the end of what arrived: an object may have closed there. */
const MAY_HAVE_CLOSED = /\}\s*(?:\{|$)/;

const asFrame = (text: string): Frame | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Frame) : undefined;
  } catch {
    return undefined;
  }
};

/** Where a line's JSON would start: after blanks and an SSE `data:` prefix. */
function jsonStart(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) <= 32) i++;
  if (text.startsWith('data:', i)) {
    i += 5;
    while (i < to && text.charCodeAt(i) <= 32) i++;
  }
  return i;
}

/**
 * A brace scanner over one growing text. `scan` walks from where it stopped (nothing is rescanned) and
 * reports each balanced top-level `{…}` outside strings; `reset` forgets a cut object.
 */
function createBraceScanner() {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  return {
    /** Scans text[from, to); calls `found(start, end)` per complete object; returns where it stopped. */
    scan(text: string, from: number, to: number, found: (start: number, end: number) => void): number {
      for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) {
          if (depth > 0) inString = true;
        } else if (c === OPEN) {
          if (depth++ === 0) start = i;
        } else if (c === CLOSE && depth > 0) {
          if (--depth === 0) found(start, i + 1);
        }
      }
      return to;
    },
    reset() {
      depth = 0;
      inString = false;
      escaped = false;
      start = -1;
    },
    /** The text lost its first `n` characters. */
    shift(n: number) {
      start -= n;
    },
  };
}

interface FrameSplitter {
  /** Decodes one network chunk and appends every frame it completes to `out`. */
  push(chunk: Uint8Array, out: Frame[]): void;
  /** End of body: appends a last unterminated frame, if any. */
  end(out: Frame[]): void;
}

/**
 * Upstream body bytes → parsed frames, synchronously per network chunk: the reader loop calls `push` once
 * per read, so there is no stream stage (and no promise turn) per frame.
 */
export function createFrameSplitter(maxFrameBytes = MAX_FRAME_BYTES): FrameSplitter {
  const decoder = new TextDecoder('utf-8');
  // `buffer[0, consumed)` is handled; `scanned` is how far the brace scanner has read the unterminated tail.
  let buffer = '';
  let consumed = 0;
  let scanned = -1;
  let done = false;
  const scanner = createBraceScanner();

  const emit = (text: string, out: Frame[]) => {
    if (tooLarge(text, maxFrameBytes)) throw new FrameTooLargeError(maxFrameBytes);
    const frame = asFrame(text);
    if (frame) out.push(frame);
  };

  /** A complete line: one frame (the common case), the terminator, or objects concatenated on it. */
  const line = (from: number, to: number, out: Frame[]) => {
    const text = buffer.slice(from, to);
    if (tooLarge(text, maxFrameBytes)) throw new FrameTooLargeError(maxFrameBytes);
    const frame = parseLine(text);
    if (frame === 'done') done = true;
    else if (frame) out.push(frame);
    else if (buffer.charCodeAt(jsonStart(buffer, from, to)) === OPEN) {
      const objects = createBraceScanner();
      objects.scan(buffer, from, to, (s, e) => emit(buffer.slice(s, e), out));
    }
  };

  const drain = (out: Frame[]) => {
    let nl: number;
    while (!done && (nl = buffer.indexOf('\n', consumed)) !== -1) {
      if (scanned >= 0) {
        // The tail scan already started on this line: finish it there (a newline cuts an unclosed object),
        // then what is left of the line is handled as a line.
        scanner.scan(buffer, scanned, nl, (s, e) => {
          emit(buffer.slice(s, e), out);
          consumed = e;
        });
        if (buffer.slice(consumed, nl).trim()) line(consumed, nl, out);
      } else line(consumed, nl, out);
      if (scanned >= 0) {
        scanner.reset();
        scanned = -1;
      }
      consumed = nl + 1;
    }
    if (done) {
      buffer = '';
      consumed = 0;
      return;
    }
    const shift = () => {
      if (consumed === 0) return;
      buffer = buffer.slice(consumed);
      if (scanned >= 0) {
        scanned -= consumed;
        scanner.shift(consumed);
      }
      consumed = 0;
    };
    shift();
    // The unterminated tail: objects that close in it leave now, so a body without newlines still streams.
    // An NDJSON tail is one partial frame, so the scan starts only once an object may have closed in it.
    if (buffer && (scanned >= 0 || (buffer.charCodeAt(jsonStart(buffer, 0, buffer.length)) === OPEN && MAY_HAVE_CLOSED.test(buffer)))) {
      scanned = scanner.scan(buffer, Math.max(scanned, 0), buffer.length, (s, e) => {
        emit(buffer.slice(s, e), out);
        consumed = e;
      });
      shift();
    }
    if (tooLarge(buffer, maxFrameBytes)) throw new FrameTooLargeError(maxFrameBytes);
  };

  return {
    push(chunk, out) {
      if (done) return;
      buffer += decoder.decode(chunk, { stream: true });
      drain(out);
    },
    end(out) {
      if (done) return;
      buffer += decoder.decode();
      drain(out);
      // What is left is an unterminated last line (an object still open there is cut, and dropped).
      if (!done && buffer.trim()) line(0, buffer.length, out);
      buffer = '';
    },
  };
}
