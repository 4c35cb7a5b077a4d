/**
 * `openConversation` over an injected fetch: a streamed answer is read chunk by chunk, a bulk one (the
 * client takes it whole), once its first event came, in pieces of at least 1 KiB where the runtime has workerd's `readAtLeast` — with
 * the same events either way, and falling back to chunk reads where it has not (Node, here).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@/lib/settings/schema';
import type { GrokEvent } from './events';
import { openConversation, type GrokClientConfig } from './client';

const FIXTURE = new Uint8Array(readFileSync(new URL('../../e2e/fake-grok/fixtures/01-chat-plain.ndjson', import.meta.url)));
/** Network-sized pieces, cutting frames (and any multi-byte character) anywhere. */
const CHUNK = 97;

/** A byte stream of `bytes` in CHUNK-sized pieces. */
function body(bytes: Uint8Array) {
  let at = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        // A BYOB read waiting on a closed byte stream is settled by an empty respond.
        controller.byobRequest?.respond(0);
        return;
      }
      controller.enqueue(bytes.slice(at, at + CHUNK));
      at += CHUNK;
    },
  });
}

function config(stream: ReadableStream<Uint8Array>): GrokClientConfig {
  return { fetch: (async () => new Response(stream, { status: 200 })) as typeof fetch, baseUrl: 'https://grok.test', headers: { settings: DEFAULT_SETTINGS } };
}

async function read(bulkRead: boolean) {
  const opened = await openConversation(config(body(FIXTURE)), { token: 't', payload: {}, firstFrameTimeoutMs: 5_000, idleTimeoutMs: 5_000, bulkRead });
  if (!opened.ok) throw new Error(opened.failure.message);
  const events: GrokEvent[] = [];
  for await (const batch of opened.value) events.push(...batch);
  return { events };
}

type Proto = { readAtLeast?: (min: number, view: Uint8Array) => Promise<ReadableStreamReadResult<Uint8Array>> };
const proto = ReadableStreamBYOBReader.prototype as unknown as Proto;

/** workerd's extension, for this test: fills `view` until `min` bytes or the end. */
function installReadAtLeast() {
  proto.readAtLeast = async function (this: ReadableStreamBYOBReader, min: number, view: Uint8Array) {
    // Each read transfers the buffer (detaching the old views): keep offsets, not views.
    const { byteOffset, byteLength } = view;
    let filled = 0;
    let buffer = view.buffer;
    for (;;) {
      const step = await this.read(new Uint8Array(buffer, byteOffset + filled, byteLength - filled));
      if (step.value) {
        buffer = step.value.buffer;
        filled += step.value.byteLength;
      }
      if (step.done || filled >= min) return { done: step.done && filled === 0, value: new Uint8Array(buffer, byteOffset, filled) } as ReadableStreamReadResult<Uint8Array>;
    }
  };
}
afterEach(() => {
  delete proto.readAtLeast;
});

describe('openConversation body reads', () => {
  it('a bulk answer on a runtime with readAtLeast: the same events as chunk reads (frames cut anywhere)', async () => {
    const chunked = await read(false);
    installReadAtLeast();
    const bulk = await read(true);
    expect(chunked.events.at(-1)).toEqual({ type: 'done' });
    expect(chunked.events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(bulk.events).toEqual(chunked.events);
  });

  it('a streamed answer never waits for a kilobyte, even where readAtLeast exists', async () => {
    installReadAtLeast();
    let calls = 0;
    const original = proto.readAtLeast!;
    proto.readAtLeast = function (this: ReadableStreamBYOBReader, min: number, view: Uint8Array) {
      calls++;
      return original.call(this, min, view);
    };
    const streamed = await read(false);
    expect(calls).toBe(0);
    expect(streamed.events.at(-1)).toEqual({ type: 'done' });
  });

  it('a bulk answer where the runtime has no readAtLeast is read chunk by chunk, whole', async () => {
    const chunked = await read(false);
    const bulk = await read(true);
    expect(bulk.events).toEqual(chunked.events);
  });

  it('bulk reads: what arrived until the first event (the answer is timed from it), then at least 1 KiB each', async () => {
    installReadAtLeast();
    const mins: number[] = [];
    const original = proto.readAtLeast!;
    proto.readAtLeast = function (this: ReadableStreamBYOBReader, min: number, view: Uint8Array) {
      mins.push(min);
      return original.call(this, min, view);
    };
    const bulk = await read(true);
    expect(bulk.events.at(-1)).toEqual({ type: 'done' });
    expect(FIXTURE.byteLength).toBeGreaterThan(2 * 1024);
    expect(mins.length).toBeGreaterThan(1);
    // The fixture's first frames (conversation, user echo) yield no event; its first event comes within 1 KiB.
    const firstBulk = mins.indexOf(1024);
    expect(firstBulk).toBeGreaterThan(0);
    expect(firstBulk).toBeLessThanOrEqual(Math.ceil(1024 / CHUNK));
    expect(mins.length - firstBulk).toBeLessThanOrEqual(Math.ceil(FIXTURE.byteLength / 1024) + 1);
    expect(new Set(mins.slice(0, firstBulk))).toEqual(new Set([1]));
    expect(new Set(mins.slice(firstBulk))).toEqual(new Set([1024]));
  });
});
