import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '@/lib/errors';
import { encodeSse, sseResponse, SSE_HEADERS, type SseOptions } from './sse';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs a producer and collects what onClose reports. */
function start(produce: Parameters<typeof sseResponse>[0], opts: Partial<SseOptions> = {}) {
  let closed!: (o: { error?: unknown; cancelled: boolean }) => void;
  const onClose = new Promise<{ error?: unknown; cancelled: boolean }>((r) => (closed = r));
  const res = sseResponse(produce, { keepaliveMs: 15_000, onClose: (o) => closed(o), ...opts });
  return { res, onClose };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('encodeSse', () => {
  it('frames one data line', () => {
    expect(text(encodeSse({ a: 1, s: 'é"\n' }))).toBe('data: {"a":1,"s":"é\\"\\n"}\n\n');
  });
  it('adds an event line when asked', () => {
    expect(text(encodeSse({ type: 'x' }, 'image_generation.completed'))).toBe('event: image_generation.completed\ndata: {"type":"x"}\n\n');
  });
});

describe('sseResponse', () => {
  it('sends data frames then [DONE], with SSE headers', async () => {
    const { res, onClose } = start(async (send) => {
      send({ a: 1 });
      await sleep(5);
      send({ b: '你好' });
    });
    expect(res.status).toBe(200);
    for (const [k, v] of Object.entries(SSE_HEADERS)) expect(res.headers.get(k)).toBe(v);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await res.text()).toBe('data: {"a":1}\n\ndata: {"b":"你好"}\n\ndata: [DONE]\n\n');
    expect(await onClose).toEqual({ error: undefined, cancelled: false });
  });

  it('reports delivery only once a slow reader has taken the last byte, then ends the body', async () => {
    let finished = false;
    const { res, onClose } = start(async (send) => {
      for (let i = 0; i < 5; i++) send({ i });
      finished = true;
    });
    let outcome: unknown;
    void onClose.then((o) => (outcome = o));
    const reader = res.body!.getReader();
    let body = '';
    await sleep(10);
    expect(finished).toBe(true);
    for (;;) {
      // The producer is done but bytes are still queued: not delivered yet.
      if (!body.includes('[DONE]')) expect(outcome).toBeUndefined();
      const { done, value } = await reader.read();
      if (done) break;
      body += text(value);
      await sleep(2);
    }
    expect(body).toBe(`${[0, 1, 2, 3, 4].map((i) => `data: {"i":${i}}\n\n`).join('')}data: [DONE]\n\n`);
    expect(await onClose).toEqual({ error: undefined, cancelled: false });
  });

  it('a producer that waits between frames still streams each one as it is sent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { res } = start(async (send) => {
      send({ first: true });
      await gate;
      send({ second: true });
    });
    const reader = res.body!.getReader();
    expect(text((await reader.read()).value!)).toBe('data: {"first":true}\n\n');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += text(r.value);
    expect(rest).toBe('data: {"second":true}\n\ndata: [DONE]\n\n');
  });

  it('omits [DONE] when done is false', async () => {
    const { res } = start(async (send) => send({ a: 1 }), { done: false });
    expect(await res.text()).toBe('data: {"a":1}\n\n');
  });

  it('a thrown GatewayError becomes one error frame, then [DONE]', async () => {
    const err = new GatewayError('upstream_rate_limited', 'Upstream rate limit: Too many requests');
    const { res, onClose } = start(async (send) => {
      send({ a: 1 });
      throw err;
    });
    expect(await res.text()).toBe(
      'data: {"a":1}\n\n' +
        'data: {"error":{"message":"Upstream rate limit: Too many requests","type":"rate_limit_error","param":null,"code":"upstream_rate_limited"}}\n\n' +
        'data: [DONE]\n\n',
    );
    expect(await onClose).toEqual({ error: err, cancelled: false });
  });

  it('a thrown plain Error does not leak its message', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { res } = start(async () => {
      throw new Error('D1_ERROR: secret table tokens column sso');
    });
    const body = await res.text();
    expect(body).toBe(
      'data: {"error":{"message":"Internal server error","type":"server_error","param":null,"code":"internal_error"}}\n\ndata: [DONE]\n\n',
    );
    expect(body).not.toContain('secret');
    expect(log).toHaveBeenCalled();
  });

  it('sends ": ping" comments while the producer is silent', async () => {
    const { res } = start(
      async (send) => {
        send({ first: true });
        await sleep(1_000);
        send({ last: true });
      },
      { keepaliveMs: 300 },
    );
    const body = await res.text();
    expect(body.startsWith('data: {"first":true}\n\n')).toBe(true);
    expect(body.endsWith('data: {"last":true}\n\ndata: [DONE]\n\n')).toBe(true);
    const middle = body.slice('data: {"first":true}\n\n'.length, -'data: {"last":true}\n\ndata: [DONE]\n\n'.length);
    expect(middle.length).toBeGreaterThan(0);
    // Only whole ping comments between the two frames.
    expect(middle).toMatch(/^(: ping\n\n)+$/);
  });

  it('sends no ping while the producer keeps talking', async () => {
    const { res } = start(
      async (send) => {
        // ~900 ms of output every 30 ms: the 400 ms keepalive timer fires twice but finds recent writes.
        for (let i = 0; i < 30; i++) {
          send({ i });
          await sleep(30);
        }
      },
      { keepaliveMs: 400 },
    );
    const body = await res.text();
    expect(body).toContain('data: {"i":29}\n\n');
    expect(body).not.toContain(': ping');
  });

  it('cancelling the body aborts the producer and reports cancelled', async () => {
    let signal!: AbortSignal;
    const { res, onClose } = start(async (send, s) => {
      signal = s;
      send({ a: 1 });
      await new Promise<void>((resolve) => s.addEventListener('abort', () => resolve()));
      send({ after: 'cancel' }); // must not throw or be written
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(text(first.value!)).toBe('data: {"a":1}\n\n');
    expect(signal.aborted).toBe(false);
    await reader.cancel();
    expect(signal.aborted).toBe(true);
    expect(await onClose).toEqual({ error: undefined, cancelled: true });
  });

  it('an error thrown because of the cancel is reported but not written', async () => {
    const { res, onClose } = start(async (send, s) => {
      send({ a: 1 });
      await new Promise<void>((_, reject) => s.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    const outcome = await onClose;
    expect(outcome.cancelled).toBe(true);
    expect((outcome.error as DOMException).name).toBe('AbortError');
  });
});
