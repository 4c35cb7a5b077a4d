import { describe, expect, it } from 'vitest';
import { createFrameSplitter, FrameTooLargeError, parseLine, type Frame } from './ndjson';

const enc = new TextEncoder();

/** Pushes the given byte chunks through a fresh splitter, one push per chunk, and collects every frame. */
async function decode(chunks: Uint8Array[], maxFrameBytes?: number): Promise<Frame[]> {
  const splitter = createFrameSplitter(maxFrameBytes);
  const frames: Frame[] = [];
  for (const c of chunks) splitter.push(c, frames);
  splitter.end(frames);
  return frames;
}

const decodeText = (...parts: string[]) => decode(parts.map((p) => enc.encode(p)));

describe('createFrameSplitter', () => {
  it('decodes two frames split across two reads at every byte position', async () => {
    const bytes = enc.encode('{"a":1,"s":"x y"}\n{"b":[2,3]}\n');
    for (let split = 0; split <= bytes.length; split++) {
      const frames = await decode([bytes.slice(0, split), bytes.slice(split)]);
      expect(frames, `split at byte ${split}`).toEqual([{ a: 1, s: 'x y' }, { b: [2, 3] }]);
    }
  });

  it('decodes frames delivered one byte per read', async () => {
    const bytes = enc.encode('{"a":1}\n{"b":2}\n');
    const frames = await decode([...bytes].map((b) => Uint8Array.of(b)));
    expect(frames).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('keeps a multi-byte character intact when it is split between reads', async () => {
    const bytes = enc.encode('{"token":"你好"}\n');
    // "你" is 3 bytes starting right after `{"token":"` (10 bytes): split inside it and inside "好".
    const start = bytes.indexOf(0xe4);
    expect(start).toBe(10);
    for (const split of [start + 1, start + 2, start + 4, start + 5]) {
      const frames = await decode([bytes.slice(0, split), bytes.slice(split)]);
      expect(frames, `split at byte ${split}`).toEqual([{ token: '你好' }]);
    }
    // And every character of the frame in its own three-way split.
    const frames = await decode([bytes.slice(0, start + 1), bytes.slice(start + 1, start + 4), bytes.slice(start + 4)]);
    expect(frames).toEqual([{ token: '你好' }]);
  });

  it('accepts CRLF line endings', async () => {
    expect(await decodeText('{"a":1}\r\n{"b":2}\r', '\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('skips blank lines, garbage and JSON that is not an object', async () => {
    const frames = await decodeText(
      '\n\n   \n',
      'not json at all\n',
      '{"broken":\n',
      '[1,2,3]\n"a string"\n42\nnull\ntrue\n',
      '{"ok":true}\n',
    );
    expect(frames).toEqual([{ ok: true }]);
  });

  it('accepts the SSE form: data lines, event lines and comments', async () => {
    const frames = await decodeText(
      ': keepalive comment\n',
      'event: message\n',
      'id: 7\n',
      'retry: 1000\n',
      'data: {"a":1}\n\n',
      'data:{"b":2}\n\n',
    );
    expect(frames).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('ends the stream at data: [DONE] and ignores everything after it', async () => {
    const frames = await decodeText('data: {"a":1}\n\ndata: [DONE]\n\ndata: {"late":1}\n', '{"later":2}\n', '{"last":3}');
    expect(frames).toEqual([{ a: 1 }]);
  });

  it('parses a last line that has no trailing newline', async () => {
    expect(await decodeText('{"a":1}\n{"b":', '2}')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('errors on an unterminated frame that grows past maxFrameBytes', async () => {
    const big = `{"token":"${'x'.repeat(200)}"}`;
    await expect(decode([enc.encode(big.slice(0, 120)), enc.encode(big.slice(120))], 64)).rejects.toBeInstanceOf(FrameTooLargeError);
  });

  it('errors on a complete frame larger than maxFrameBytes even when it arrives in one read', async () => {
    const big = `{"token":"${'x'.repeat(200)}"}\n`;
    await expect(decode([enc.encode(big)], 64)).rejects.toBeInstanceOf(FrameTooLargeError);
  });

  it('measures the limit in bytes, not UTF-16 characters', async () => {
    // 30 CJK characters are 30 string characters but 90 UTF-8 bytes: over a 64-byte limit.
    const big = `{"token":"${'你'.repeat(30)}`;
    await expect(decode([enc.encode(big), enc.encode('"}\n')], 64)).rejects.toBeInstanceOf(FrameTooLargeError);
  });

  it('accepts a frame just under maxFrameBytes', async () => {
    const line = `{"token":"${'x'.repeat(40)}"}`; // 53 characters
    expect(await decode([enc.encode(line.slice(0, 30)), enc.encode(line.slice(30) + '\n')], 64)).toEqual([{ token: 'x'.repeat(40) }]);
  });
});

describe('parseLine', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['  {"a":1}  \r', { a: 1 }],
    ['data: {"a":1}', { a: 1 }],
    ['data:{"a":1}', { a: 1 }],
    ['data: [DONE]', 'done'],
    ['[DONE]', 'done'],
    ['', undefined],
    [': ping', undefined],
    ['event: message', undefined],
    ['data: [1]', undefined],
    ['{"a":', undefined],
    ['hello', undefined],
  ] as const)('%j → %j', (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });
});

describe('createFrameSplitter — concatenated objects (spec §5.1, no separators)', () => {
  const body = '{"a":"}{","n":1}{"b":"say \\"hi\\" {x}","esc":"\\\\"}{"c":{"d":[1,{"e":2}]}}';
  const expected = [{ a: '}{', n: 1 }, { b: 'say "hi" {x}', esc: '\\' }, { c: { d: [1, { e: 2 }] } }];

  it('splits objects with no newline between them, at every byte position of a two-read split', async () => {
    const bytes = enc.encode(body);
    for (let split = 0; split <= bytes.length; split++) {
      expect(await decode([bytes.slice(0, split), bytes.slice(split)]), `split at byte ${split}`).toEqual(expected);
    }
  });

  it('splits them delivered one byte per read, and with a UTF-8 character cut between reads', async () => {
    expect(await decode([...enc.encode(body)].map((b) => Uint8Array.of(b)))).toEqual(expected);
    const cjk = enc.encode('{"t":"你好"}{"t":"再见"}');
    for (let split = 0; split <= cjk.length; split++) {
      expect(await decode([cjk.slice(0, split), cjk.slice(split)]), `split at byte ${split}`).toEqual([{ t: '你好' }, { t: '再见' }]);
    }
  });

  it('hands each object on as soon as it closes: a body without newlines still streams', () => {
    const splitter = createFrameSplitter();
    const out: Frame[] = [];
    splitter.push(enc.encode('{"a":1}{"b":'), out);
    expect(out).toEqual([{ a: 1 }]);
    splitter.push(enc.encode('2}'), out);
    expect(out).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('mixes with NDJSON and SSE lines; a newline cuts an unclosed object and what follows still parses', async () => {
    const frames = await decodeText('{"a":1}{"b":2}\n', 'data: {"c":3}{"d":4}\n\n', '{"cut":\n', '{"e":5}\n{"f"', ':6}{"g":7}');
    expect(frames).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }, { d: 4 }, { e: 5 }, { f: 6 }, { g: 7 }]);
  });

  it('skips an unparseable object between good ones, and stops at data: [DONE]', async () => {
    expect(await decodeText('{"a":1}{bad}{"b":2}\n', 'data: [DONE]\n', '{"late":1}')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('applies the frame limit to concatenated objects too', async () => {
    const big = `{"token":"${'x'.repeat(200)}"}`;
    await expect(decode([enc.encode(`{"a":1}${big}`)], 64)).rejects.toBeInstanceOf(FrameTooLargeError);
    await expect(decode([enc.encode(`{"a":1}${big.slice(0, 100)}`), enc.encode(big.slice(100))], 64)).rejects.toBeInstanceOf(FrameTooLargeError);
  });
});
