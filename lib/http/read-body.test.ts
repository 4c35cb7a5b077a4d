import { describe, expect, it } from 'vitest';
import { readRequestBody } from './read-body';

function body(chunks: number[], onPull?: () => void) {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      onPull?.();
      if (i < chunks.length) c.enqueue(new Uint8Array(chunks[i++]).fill(7));
      else c.close();
    },
  });
}

describe('readRequestBody', () => {
  it('returns a body within the limit whole', async () => {
    expect((await readRequestBody(body([3, 4]), 10))?.byteLength).toBe(7);
  });

  it('an oversized body is read to its end (so the client can take the 413) and refused', async () => {
    let pulls = 0;
    expect(await readRequestBody(body([6, 6, 6], () => pulls++), 10, 100)).toBeUndefined();
    expect(pulls).toBe(4);
  });

  it('stops draining past drainUpTo', async () => {
    let pulls = 0;
    expect(await readRequestBody(body(Array(50).fill(10), () => pulls++), 10, 30)).toBeUndefined();
    expect(pulls).toBeLessThan(10);
  });
});
