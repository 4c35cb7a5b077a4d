/**
 * @module grok/ndjson
 * Bytes → JSON frames (spec §5.1). Survives frames and UTF-8 characters split across network chunks,
 * CRLF, blank and garbage lines, and the SSE-wrapped form (`data: {…}`, `event:` lines, `data: [DONE]`).
 */

export type Frame = Record<string, unknown>;

/** Frames larger than this are treated as a broken stream rather than buffered forever. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

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

export interface FrameSplitter {
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
  let buffer = '';
  let done = false;

  const drain = (out: Frame[]) => {
    let start = 0;
    let nl: number;
    while (!done && (nl = buffer.indexOf('\n', start)) !== -1) {
      const line = buffer.slice(start, nl);
      if (tooLarge(line, maxFrameBytes)) throw new FrameTooLargeError(maxFrameBytes);
      const frame = parseLine(line);
      start = nl + 1;
      if (frame === 'done') done = true;
      else if (frame) out.push(frame);
    }
    buffer = done ? '' : start ? buffer.slice(start) : buffer;
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
      const last = parseLine(buffer);
      buffer = '';
      if (last && last !== 'done') out.push(last);
    },
  };
}
