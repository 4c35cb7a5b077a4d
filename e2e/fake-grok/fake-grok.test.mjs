// Smoke test of the fake grok.com upstream: node --test e2e/fake-grok/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import WebSocket from 'ws';
import { startFakeGrok } from './server.mjs';

const E1 = '/rest/app-chat/conversations/new';
const PROFILE_A = { modelName: 'grok-3', modelMode: 'MODEL_MODE_GROK_3' };
const IMG0 =
  'users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/a1b2c3d4-1111-4aaa-8bbb-000000000001/image.jpg';
const VIDEO =
  'users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/generated/c0ffee00-2222-4ccc-9ddd-000000000003/generated_video.mp4';

let fake;

before(async () => {
  fake = await startFakeGrok({ port: 0 });
});
after(() => fake.close());
beforeEach(() => control('POST', '/__fake/reset'));

async function control(method, path, body) {
  const res = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

function post(path, body, { cookie = 'sso-rw=tok-a; sso=tok-a', headers = {}, signal } = {}) {
  return fetch(fake.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/** Read a stream body, returning its chunks. */
async function chunksOf(res) {
  const chunks = [];
  for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
  return chunks;
}

/** Parse NDJSON/SSE leniently (skip blank/garbage lines, strip `data:`). */
function framesOf(text) {
  const frames = [];
  for (let line of text.split('\n')) {
    line = line.trim();
    if (line.startsWith('data:')) line = line.slice(5).trim();
    if (!line || line === '[DONE]') continue;
    try {
      frames.push(JSON.parse(line));
    } catch {
      // tolerated, like the real parser must
    }
  }
  return frames;
}

const answerOf = (frames) =>
  frames
    .map((f) => f.result?.response)
    .filter((r) => r && typeof r.token === 'string' && r.messageTag === 'final' && !r.isThinking)
    .map((r) => r.token)
    .join('');

test('plain scenario streams fixture 01 frame by frame', async () => {
  const res = await post(E1, { message: 'Say hello in French.', ...PROFILE_A });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /application\/json/);
  const chunks = await chunksOf(res);
  assert.ok(chunks.length > 3, `expected incremental writes, got ${chunks.length} chunk(s)`);
  const frames = framesOf(Buffer.concat(chunks).toString('utf8'));
  assert.equal(frames.length, 15);
  assert.equal(answerOf(frames), 'Bonjour! That is "hello" in French.');
  assert.equal(frames[1].result.response.userResponse.model, 'grok-3');
});

test('Profile B model name is echoed in userResponse/modelResponse', async () => {
  const res = await post(E1, { message: '#delay:0', modeId: 'fast' });
  const frames = framesOf(await res.text());
  assert.equal(frames[1].result.response.userResponse.model, 'fast');
  assert.equal(frames.find((f) => f.result?.response?.modelResponse).result.response.modelResponse.model, 'fast');
});

test('bad conversation bodies are rejected with 400', async () => {
  assert.equal((await post(E1, 'not json')).status, 400);
  assert.equal((await post(E1, { message: 1, modeId: 'fast' })).status, 400);
  assert.equal((await post(E1, { message: 'x' })).status, 400);
  assert.equal((await post(E1, { message: 'x', modelName: 'grok-3' })).status, 400);
});

test('injected 429 is returned once, then the queue is empty', async () => {
  assert.deepEqual(await control('POST', '/__fake/inject', { failures: [{ kind: 'rate-limit', retryAfter: 7 }] }), {
    queued: 1,
  });
  const first = await post(E1, { message: 'hi', ...PROFILE_A });
  assert.equal(first.status, 429);
  assert.equal(first.headers.get('retry-after'), '7');
  assert.equal((await first.json()).error.code, 8);
  assert.equal((await control('GET', '/__fake/inject')).queued, 0);
  const second = await post(E1, { message: 'hi #delay:0', ...PROFILE_A });
  assert.equal(second.status, 200);
  await second.text();
});

test('upload then asset GET returns the same bytes; Range works', async () => {
  const bytes = randomBytes(64);
  const up = await post('/rest/app-chat/upload-file', {
    fileName: 'image.png',
    fileMimeType: 'image/png',
    content: bytes.toString('base64'),
  });
  assert.equal(up.status, 200);
  const { fileMetadataId, fileUri } = await up.json();
  assert.match(fileMetadataId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(fileUri, `users/5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10/${fileMetadataId}/content`);

  const cookie = { cookie: 'sso=tok-b' };
  const get = await fetch(`${fake.url}/${fileUri}`, { headers: cookie });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('content-type'), 'image/png');
  assert.equal(get.headers.get('accept-ranges'), 'bytes');
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), bytes);

  const part = await fetch(`${fake.url}/${fileUri}`, { headers: { ...cookie, range: 'bytes=10-19' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 10-19/64');
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(10, 20));

  const suffix = await fetch(`${fake.url}/${fileUri}`, { headers: { ...cookie, range: 'bytes=-4' } });
  assert.equal(suffix.status, 206);
  assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), bytes.subarray(60));

  const beyond = await fetch(`${fake.url}/${fileUri}`, { headers: { ...cookie, range: 'bytes=64-' } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), 'bytes */64');

  // the call log keeps size and hash, not the content
  const [call] = (await control('GET', '/__fake/calls?path=/rest/app-chat/upload-file')).calls;
  assert.equal(call.body.contentBytes, 64);
  assert.equal(call.body.content, undefined);

  assert.equal((await post('/rest/app-chat/upload-file', { fileName: 'a', fileMimeType: 'image/png', content: '' })).status, 400);
  assert.equal(
    (await post('/rest/app-chat/upload-file', { fileName: 'a', fileMimeType: 'image/png', content: 'data:image/png;base64,AAAA' }))
      .status,
    400,
  );
});

test('generated media from the fixtures are served', async () => {
  const headers = { cookie: 'sso=tok-a' };
  const img = await fetch(`${fake.url}/${IMG0}`, { headers });
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  const jpeg = Buffer.from(await img.arrayBuffer());
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  assert.deepEqual([...jpeg.subarray(-2)], [0xff, 0xd9]);
  const vid = await fetch(`${fake.url}/${VIDEO}`, { headers });
  assert.equal(vid.headers.get('content-type'), 'video/mp4');
  assert.equal(Buffer.from(await vid.arrayBuffer()).subarray(4, 8).toString(), 'ftyp');
  const bench = await fetch(`${fake.url}/users/bench/1048576.jpg`, { headers: { ...headers, range: 'bytes=0-1' } });
  assert.equal(bench.headers.get('content-range'), 'bytes 0-1/1048576');
  await bench.arrayBuffer();
  assert.equal((await fetch(`${fake.url}/users/nope/image.jpg`, { headers })).status, 404);
});

/** Decoded generated-image cards of a stream, in order (`cardAttachment.jsonData`). */
const cardsOf = (frames) =>
  frames.map((f) => f.result?.response?.cardAttachment?.jsonData).filter(Boolean).map((j) => JSON.parse(j));

test('card-image scenarios: announced cards, split placeholders, final chunks; their image paths are served', async () => {
  const headers = { cookie: 'sso=tok-a' };
  const frames = framesOf(await (await post(E1, { message: 'Image Generation: x #scenario:card-image', modeId: 'fast' })).text());
  const cards = cardsOf(frames);
  assert.deepEqual(cards.slice(0, 2).map((c) => c.image_chunk), [null, null]);
  for (const c of cards) assert.deepEqual([c.type, c.cardType], ['render_generated_image', 'generated_image_card']);
  const finals = cards.filter((c) => c.image_chunk?.progress === 100);
  assert.equal(finals.length, 2);
  assert.equal(new Set(finals.map((c) => c.id)).size, 2);
  const answer = answerOf(frames);
  for (const c of finals) {
    assert.ok(answer.includes(`<grok:render card_id="${c.id}"`), 'one placeholder per card');
    assert.equal(c.image_chunk.moderated, false);
    const img = await fetch(`${fake.url}/${c.image_chunk.imageUrl}`, { headers });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    await img.arrayBuffer();
  }
  // Placeholders are cut mid-tag across tokens.
  assert.ok(frames.some((f) => /^<grok:render[^>]*$/.test(f.result?.response?.token ?? '')));
  const mr = frames.find((f) => f.result?.response?.modelResponse).result.response.modelResponse;
  assert.deepEqual(mr.generatedImageUrls, []);
  assert.deepEqual(mr.cardAttachmentsJson.map((j) => JSON.parse(j)), finals);

  const moderated = cardsOf(framesOf(await (await post(E1, { message: 'x #scenario:card-image-moderated:1', modeId: 'fast' })).text()));
  assert.deepEqual(
    moderated.filter((c) => c.image_chunk?.progress === 100).map((c) => c.image_chunk.moderated),
    [true, false],
  );
  const failed = cardsOf(framesOf(await (await post(E1, { message: 'x #scenario:card-image-failed', modeId: 'fast' })).text()));
  assert.deepEqual(
    failed.filter((c) => c.image_chunk?.progress === 100).map((c) => [c.image_chunk.systemErrCode, c.image_chunk.imageUrl]),
    [['rate_limit', ''], ['rate_limit', '']],
  );
});

test('missing, revoked and blocked cookies are refused', async () => {
  const missing = await post(E1, { message: 'hi', ...PROFILE_A }, { cookie: null });
  assert.equal(missing.status, 401);
  assert.deepEqual(await missing.json(), {
    error: { code: 16, message: 'unauthenticated: missing sso cookie', details: [] },
  });
  assert.equal((await fetch(`${fake.url}/${IMG0}`)).status, 401);

  await control('POST', '/__fake/tokens', { token: 'dead', state: 'revoked' });
  await control('POST', '/__fake/tokens', { token: 'gone', state: 'blocked' });
  const revoked = await post('/rest/rate-limits', { modelName: 'fast' }, { cookie: 'sso=dead' });
  assert.equal(revoked.status, 401);
  assert.match((await revoked.json()).error.message, /invalid-credentials/);
  const blocked = await post(E1, { message: 'hi', ...PROFILE_A }, { cookie: 'sso=gone' });
  assert.equal(blocked.status, 403);
  assert.match((await blocked.json()).error.message, /blocked-user/);
});

test('rate limits decrement after conversation calls', async () => {
  const limitsA = async () => (await post('/rest/rate-limits', { requestKind: 'DEFAULT', modelName: 'grok-4' })).json();
  const before = await limitsA();
  assert.equal(before.remainingTokens, 80);
  assert.equal(before.highEffortRateLimits.remainingQueries, 20);
  await (await post(E1, { message: '#delay:0', modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4' })).text();
  const afterA = await limitsA();
  assert.equal(afterA.remainingQueries, 79);
  assert.equal(afterA.remainingTokens, 79);

  await (await post(E1, { message: '#delay:0', modeId: 'expert' })).text();
  const slim = await (await post('/rest/rate-limits', { modelName: 'expert' })).json();
  assert.deepEqual(slim, {
    windowSizeSeconds: 72000,
    remainingQueries: 76,
    totalQueries: 80,
    lowEffortRateLimits: null,
    highEffortRateLimits: null,
  });

  await control('POST', '/__fake/options', { quotaTotal: 1 });
  await (await post(E1, { message: '#delay:0', modeId: 'fast' })).text();
  const exhausted = await post(E1, { message: '#delay:0', modeId: 'fast' });
  assert.equal(exhausted.status, 429);
  assert.equal(exhausted.headers.get('retry-after'), '60');
  const zero = await (await post('/rest/rate-limits', { modelName: 'fast' })).json();
  assert.equal(zero.remainingQueries, 0);
  assert.ok(zero.waitTimeSeconds > 0);
});

test('echo, sse and split scenarios', async () => {
  const body = { message: 'x #scenario:echo', ...PROFILE_A, fileAttachments: ['f1'], temporary: true };
  const echoed = JSON.parse(answerOf(framesOf(await (await post(E1, body)).text())));
  assert.deepEqual(echoed, { message: body.message, fileAttachments: ['f1'], ...PROFILE_A, temporary: true });

  const sse = await post(E1, { message: '#scenario:sse #delay:0', ...PROFILE_A });
  assert.match(sse.headers.get('content-type'), /text\/event-stream/);
  const sseText = await sse.text();
  assert.ok(sseText.endsWith('data: [DONE]\n\n'));
  assert.equal(answerOf(framesOf(sseText)), 'Bonjour! That is "hello" in French.');

  const split = await post(E1, { message: '#scenario:split #delay:1', ...PROFILE_A });
  const chunks = await chunksOf(split);
  assert.ok(chunks.length > 10);
  assert.equal(answerOf(framesOf(Buffer.concat(chunks).toString('utf8'))), '你好，世界！Hello');
});

test('truncate drops the connection mid-line', async () => {
  const res = await post(E1, { message: '#scenario:truncate', ...PROFILE_A });
  assert.equal(res.status, 200);
  await assert.rejects(res.text());
});

test('client disconnect stops the stream', async () => {
  const ctl = new AbortController();
  const res = await post(E1, { message: '#scenario:long:100000 #delay:2', ...PROFILE_A }, { signal: ctl.signal });
  const reader = res.body.getReader();
  await reader.read();
  assert.equal((await control('GET', '/__fake/health')).activeStreams, 1);
  ctl.abort();
  await reader.closed.catch(() => {});
  for (let i = 0; i < 50 && (await control('GET', '/__fake/health')).activeStreams > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal((await control('GET', '/__fake/health')).activeStreams, 0);
});

// ---- WebSockets (E13 Imagine, E14 chat gateway) and E19 ---------------------

const USER_ID = '5f3c2a1e-8d4b-4c7a-9e21-0b6d7f4a3c10';
const MGW = `/ws/mgw/?uid=${USER_ID}`;
const MGW_COOKIE = `sso-rw=tok-a; sso=tok-a; x-userid=${USER_ID}`;

/**
 * Open a WebSocket to the fake. Resolves to a client ({ws, frames, send,
 * until, closed}) or, when the upgrade is refused, to {status, body}.
 */
function connect(path, { cookie = 'sso=tok-a', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(fake.url.replace(/^http/, 'ws') + path, {
      headers: { origin: 'https://grok.com', ...(cookie ? { cookie } : {}), ...headers },
    });
    const frames = [];
    const waiters = new Set();
    const check = () => {
      for (const w of waiters) if (w.test()) waiters.delete(w);
    };
    let closeCode = null;
    const closed = new Promise((done) =>
      ws.on('close', (code) => {
        closeCode = code;
        check();
        done(code);
      }),
    );
    ws.on('message', (data) => {
      frames.push(JSON.parse(data.toString('utf8')));
      check();
    });
    /** Resolve once `pred(frame)` matched a frame (or reject when the socket closed first). */
    const until = (pred, timeoutMs = 5000) =>
      new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`timeout; frames: ${JSON.stringify(frames).slice(0, 2000)}`)), timeoutMs);
        const w = {
          test: () => {
            const hit = frames.find(pred);
            if (hit || closeCode != null) {
              clearTimeout(timer);
              hit ? done(hit) : fail(new Error(`closed ${closeCode} before match; frames: ${JSON.stringify(frames).slice(0, 2000)}`));
              return true;
            }
            return false;
          },
        };
        if (!w.test()) waiters.add(w);
      });
    ws.once('open', () => resolve({ ws, frames, until, closed, send: (o) => ws.send(JSON.stringify(o)) }));
    ws.once('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body = text;
        try {
          body = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: res.headers, body });
        req.destroy();
      });
    });
    ws.once('error', (err) => reject(err));
  });
}

const imagineRequest = (text, properties = {}) => ({
  type: 'conversation.item.create',
  timestamp: Date.now(),
  item: {
    type: 'message',
    content: [
      {
        requestId: '6b0f7a52-2c1d-4e8f-9a3b-5d6c7e8f9a01',
        text,
        type: 'input_text',
        properties: { section_count: 0, is_kids_mode: false, enable_nsfw: true, aspect_ratio: '2:3', ...properties },
      },
    ],
  },
});
const IMAGINE_RESET = { type: 'conversation.item.create', item: { type: 'message', content: [{ type: 'reset' }] } };

test('imagine: num_generations 2 yields 2 finals + completed, images are served', async () => {
  const c = await connect('/ws/imagine/listen');
  c.send(IMAGINE_RESET);
  c.send(imagineRequest('a red fox in snow #delay:0', { aspect_ratio: '1:1', num_generations: 2, enable_pro: false }));
  assert.equal(await c.closed, 1000);
  const starts = c.frames.filter((f) => f.type === 'json' && f.current_status === 'start_stage');
  const finals = c.frames.filter((f) => f.type === 'image' && f.percentage_complete === 100);
  const previews = c.frames.filter((f) => f.type === 'image' && f.percentage_complete < 100);
  const done = c.frames.filter((f) => f.type === 'json' && f.current_status === 'completed');
  assert.equal(starts.length, 2);
  assert.equal(finals.length, 2);
  assert.ok(previews.length >= 2);
  assert.deepEqual(
    done.map((f) => [f.order, f.moderated, f.r_rated]),
    [
      [0, false, false],
      [1, false, false],
    ],
  );
  assert.deepEqual([starts[0].width, starts[0].height], [1024, 1024]);
  assert.notEqual(finals[0].id, finals[1].id);
  for (const [i, f] of finals.entries()) {
    assert.equal(f.order, i);
    assert.equal(f.id, starts[i].image_id);
    assert.equal(f.url, `${fake.url}/imagine-public/images/${f.id}.jpg`);
    assert.ok(f.blob.length > 100_000, 'final blob is large enough for size-based finals');
  }
  // the URL serves the final blob's bytes, cookie required, Range supported
  const res = await fetch(finals[0].url, { headers: { cookie: 'sso=tok-a' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual(bytes, Buffer.from(finals[0].blob, 'base64'));
  assert.deepEqual([...bytes.subarray(0, 2), ...bytes.subarray(-2)], [0xff, 0xd8, 0xff, 0xd9]);
  const other = Buffer.from(await (await fetch(finals[1].url, { headers: { cookie: 'sso=tok-a' } })).arrayBuffer());
  assert.notDeepEqual(other, bytes);
  const part = await fetch(finals[0].url, { headers: { cookie: 'sso=tok-a', range: 'bytes=0-9' } });
  assert.equal(part.status, 206);
  assert.equal((await part.arrayBuffer()).byteLength, 10);
  assert.equal((await fetch(finals[0].url)).status, 401);
  assert.equal((await fetch(`${fake.url}/imagine-public/images/${USER_ID}.jpg`, { headers: { cookie: 'sso=a' } })).status, 404);

  const [call] = (await control('GET', '/__fake/calls?path=/ws/imagine/listen')).calls;
  assert.equal(call.status, 101);
  assert.equal(call.token, 'tok-a');
  assert.equal(call.headers.origin, 'https://grok.com');
  assert.equal(call.messages.length, 2);
  assert.equal(call.messages[1].item.content[0].properties.num_generations, 2);
});

test('imagine: ws-error, ws-moderated, default count, refused upgrades', async () => {
  const err = await connect('/ws/imagine/listen');
  err.send(imagineRequest('x #scenario:ws-error'));
  assert.equal(await err.closed, 1000);
  assert.deepEqual(err.frames, [{ type: 'error', err_code: 'rate_limit_exceeded', err_msg: 'Too many requests' }]);

  const mod = await connect('/ws/imagine/listen');
  mod.send(imagineRequest('x #scenario:ws-moderated #delay:0'));
  await mod.closed;
  assert.equal(mod.frames.filter((f) => f.type === 'image' && f.percentage_complete === 100).length, 0);
  const modDone = mod.frames.filter((f) => f.current_status === 'completed');
  assert.equal(modDone.length, 4); // num_generations absent → 4
  assert.ok(modDone.every((f) => f.moderated === true));

  const missing = await connect('/ws/imagine/listen', { cookie: null });
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error.code, 16);

  // an injected failure for "imagine" hits the upgrade, not E1
  await control('POST', '/__fake/inject', { failures: [{ kind: 'rate-limit', retryAfter: 9, endpoint: 'imagine' }] });
  const chat = await post(E1, { message: '#delay:0', modeId: 'fast' });
  assert.equal(chat.status, 200);
  await chat.text();
  const limited = await connect('/ws/imagine/listen');
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '9');
  assert.equal((await control('GET', '/__fake/inject')).queued, 0);
  await control('POST', '/__fake/inject', { failures: [{ kind: 'cf-challenge', endpoint: 'imagine' }] });
  const cf = await connect('/ws/imagine/listen');
  assert.equal(cf.status, 403);
  assert.match(cf.body, /Just a moment/);
  assert.equal((await fetch(`${fake.url}/__fake/inject`, {
    method: 'POST',
    body: JSON.stringify({ failures: [{ kind: 'anti-bot', endpoint: 'imagine' }] }),
  })).status, 400);
});

test('GET /api/auth/session reports the session identity', async () => {
  const get = (cookie) => fetch(`${fake.url}/api/auth/session`, { headers: cookie ? { cookie } : {} });
  const ok = await get('sso=tok-a');
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {
    status: 'authenticated',
    session: { userId: USER_ID },
    user: { id: USER_ID, email: 'demo@example.com' },
  });
  assert.equal((await get(null)).status, 401);
  await control('POST', '/__fake/tokens', { token: 'dead', state: 'revoked' });
  await control('POST', '/__fake/tokens', { token: 'gone', state: 'blocked' });
  const revoked = await get('sso=dead');
  assert.equal(revoked.status, 200);
  assert.deepEqual(await revoked.json(), { status: 'unauthenticated' });
  assert.deepEqual(await (await get('sso=gone')).json(), { status: 'blocked' });
});

/** Open /ws/mgw/, create a session; returns the client plus its session id. */
async function mgwSession(model = 'fast') {
  const c = await connect(MGW, { cookie: MGW_COOKIE });
  c.send({ event: { type: 'session.create', event_id: 'evt_init_1', session: { model, x_grok: { use_chunk: true } } } });
  const created = await c.until((f) => f.event?.type === 'session.created');
  assert.equal(created.event.client_event_id, 'evt_init_1');
  const attached = await c.until((f) => f.event?.type === 'conversation.attached');
  assert.ok(attached.event.conversation.id);
  return { ...c, sid: created.session_id };
}

function mgwAsk(c, text, extra = {}) {
  c.send({
    session_id: c.sid,
    event: {
      type: 'conversation.item.create',
      event_id: `evt_msg_${Date.now()}`,
      item: { type: 'message', role: 'user', x_grok: { client_message_id: 'm1', input_chunks: [{ text: { text } }] } },
      ...extra,
    },
  });
  c.send({ session_id: c.sid, event: { type: 'response.create', event_id: `evt_resp_${Date.now()}` } });
}

const mgwText = (frames, channel = 'CHANNEL_ASSISTANT_RESPONSE') =>
  frames
    .filter((f) => f.event?.type === 'response.chunk' && f.event.chunk.text?.channel === channel)
    .map((f) => f.event.chunk.text.text)
    .join('');

test('mgw: plain answer reassembles to the fixture text, then response.done; quota and call log', async () => {
  const c = await mgwSession('fast');
  mgwAsk(c, 'Say hello in French. #delay:0');
  const done = await c.until((f) => f.event?.type === 'response.done');
  assert.equal(done.event.response.status, 'completed');
  assert.equal(c.frames.at(-1), done);
  assert.equal(mgwText(c.frames), 'Bonjour! That is "hello" in French.');
  assert.ok(c.frames.filter((f) => f.event.type === 'response.chunk').every((f) => f.session_id === c.sid));
  c.ws.close();
  await c.closed;

  const limits = await (await post('/rest/rate-limits', { modelName: 'fast' })).json();
  assert.equal(limits.remainingQueries, 79);
  const [call] = (await control('GET', '/__fake/calls?path=/ws/mgw/')).calls;
  assert.equal(call.uid, USER_ID);
  assert.equal(call.token, 'tok-a');
  assert.deepEqual(
    call.messages.map((m) => m.event.type),
    ['session.create', 'conversation.item.create', 'response.create'],
  );

  const wrongUid = await connect(MGW, { cookie: 'sso=tok-a; x-userid=someone-else' });
  assert.equal(wrongUid.status, 403);
});

test('mgw: thinking channels, echo and ping → pong', async () => {
  const c = await mgwSession('expert');
  c.send({ event: { type: 'ping', event_id: 'evt_hb_42' } });
  const pong = await c.until((f) => f.event?.type === 'pong');
  assert.deepEqual(pong, { event: { type: 'pong', client_event_id: 'evt_hb_42' } });

  mgwAsk(c, '#scenario:thinking #delay:0');
  await c.until((f) => f.event?.type === 'response.done');
  assert.equal(mgwText(c.frames), 'The sum of 1 through 10 is **55**.');
  assert.match(mgwText(c.frames, 'CHANNEL_ANALYSIS'), /^The user wants .* 10\*11\/2 = 55\.\(double-check/);

  const before = c.frames.length;
  mgwAsk(c, 'files #scenario:echo', { file_attachment_ids: ['f-1'] });
  await c.until((f, i) => f.event?.type === 'response.done' && c.frames.indexOf(f) >= before);
  assert.deepEqual(JSON.parse(mgwText(c.frames.slice(before))), {
    text: 'files #scenario:echo',
    file_attachment_ids: ['f-1'],
    model: 'expert',
  });
  c.ws.close();
  await c.closed;
});

test('mgw: ws-session-ended sends text then session.ended and closes, no response.done', async () => {
  const c = await mgwSession();
  mgwAsk(c, '#scenario:ws-session-ended #delay:0');
  assert.equal(await c.closed, 1000);
  const types = c.frames.map((f) => f.event.type);
  assert.ok(mgwText(c.frames).length > 0);
  assert.equal(types.at(-1), 'session.ended');
  assert.ok(!types.includes('response.done'));

  const e = await mgwSession();
  mgwAsk(e, '#scenario:ws-error #delay:0');
  const error = await e.until((f) => f.event?.type === 'error');
  assert.deepEqual(error.event.error, { code: 8, message: 'Too many requests' });
  assert.equal(mgwText(e.frames), '');
  e.ws.close();
  await e.closed;

  // an injected scenario for "mgw" overrides the first answer of the next session
  await control('POST', '/__fake/inject', { failures: [{ kind: 'scenario', name: 'ws-session-ended', endpoint: 'mgw' }] });
  const i = await mgwSession();
  mgwAsk(i, 'plain text #delay:0');
  assert.equal(await i.closed, 1000);
  assert.equal(i.frames.at(-1).event.type, 'session.ended');
  const bad = await fetch(`${fake.url}/__fake/inject`, {
    method: 'POST',
    body: JSON.stringify({ failures: [{ kind: 'scenario', name: 'thinking', endpoint: 'imagine' }] }),
  });
  assert.equal(bad.status, 400);
});

test('drop and hang: no answer at all, the connection is dropped (at once / after ms); status stays null', async () => {
  await control('POST', '/__fake/inject', { failures: [{ kind: 'drop' }, { kind: 'hang', ms: 150 }] });
  await assert.rejects(post(E1, { message: 'hi', ...PROFILE_A }));
  const started = Date.now();
  await assert.rejects(post(E1, { message: 'hi', ...PROFILE_A }));
  assert.ok(Date.now() - started >= 140, 'hang keeps the connection silent first');
  const calls = (await control('GET', `/__fake/calls?path=${E1}`)).calls;
  assert.deepEqual(
    calls.map((c) => [c.injected.kind, c.status]),
    [
      ['drop', null],
      ['hang', null],
    ],
  );
  assert.equal((await control('GET', '/__fake/health')).activeStreams, 0);
  // a hang ends as soon as the client gives up
  await control('POST', '/__fake/inject', { failures: [{ kind: 'hang', ms: 60_000 }] });
  const ctl = new AbortController();
  const pending = post(E1, { message: 'hi', ...PROFILE_A }, { signal: ctl.signal });
  for (let i = 0; i < 50 && (await control('GET', '/__fake/health')).activeStreams === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await control('GET', '/__fake/health')).activeStreams, 1);
  ctl.abort();
  await assert.rejects(pending);
  for (let i = 0; i < 50 && (await control('GET', '/__fake/health')).activeStreams > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await control('GET', '/__fake/health')).activeStreams, 0);
  // `fail:drop` works as a directive too; a bad ms is refused
  await assert.rejects(post(E1, { message: '#scenario:fail:drop', ...PROFILE_A }));
  const bad = await fetch(`${fake.url}/__fake/inject`, { method: 'POST', body: JSON.stringify({ failures: [{ kind: 'hang', ms: -1 }] }) });
  assert.equal(bad.status, 400);
});

test('drop and hang on a WebSocket upgrade: no 101 and no HTTP answer', async () => {
  await control('POST', '/__fake/inject', {
    failures: [
      { kind: 'drop', endpoint: 'imagine' },
      { kind: 'hang', ms: 100, endpoint: 'mgw' },
    ],
  });
  await assert.rejects(connect('/ws/imagine/listen'));
  await assert.rejects(connect(MGW, { cookie: `sso=tok-a; x-userid=${USER_ID}` }));
  const calls = (await control('GET', '/__fake/calls')).calls.filter((c) => c.websocket);
  assert.deepEqual(
    calls.map((c) => [c.path, c.injected.kind, c.status]),
    [
      ['/ws/imagine/listen', 'drop', null],
      ['/ws/mgw/', 'hang', null],
    ],
  );
});

test('imagine: ws-drop:N delivers N images whole, then drops image N after its preview', async () => {
  const c = await connect('/ws/imagine/listen');
  c.send(imagineRequest('x #scenario:ws-drop:1 #delay:0', { num_generations: 3 }));
  assert.notEqual(await c.closed, 1000);
  const finals = c.frames.filter((f) => f.type === 'image' && f.percentage_complete === 100);
  const previews = c.frames.filter((f) => f.type === 'image' && f.percentage_complete < 100);
  assert.equal(finals.length, 1);
  assert.deepEqual(previews.map((f) => f.order), [0, 1]);
  assert.equal(c.frames.at(-1).type, 'image');
  assert.equal(c.frames.at(-1).order, 1);

  const zero = await connect('/ws/imagine/listen');
  zero.send(imagineRequest('x #scenario:ws-drop:0 #delay:0', { num_generations: 2 }));
  assert.notEqual(await zero.closed, 1000);
  assert.deepEqual(
    zero.frames.map((f) => [f.type, f.percentage_complete ?? f.current_status]),
    [
      ['json', 'start_stage'],
      ['image', 50],
    ],
  );
});

test('reported model: #model:NAME overrides it on any scenario, other-model[:NAME] is plain reporting NAME', async () => {
  const reported = (frames) => [
    frames.find((f) => f.result?.response?.userResponse)?.result.response.userResponse.model,
    frames.find((f) => f.result?.response?.modelResponse)?.result.response.modelResponse.model,
  ];
  const PROFILE_B = { modeId: 'expert', modelName: 'grok-4-1-thinking-1129', modelMode: 'MODEL_MODE_EXPERT' };
  const thinking = framesOf(await (await post(E1, { message: '#scenario:thinking #model:grok-3-mini x', ...PROFILE_B })).text());
  assert.deepEqual(reported(thinking), ['grok-3-mini', 'grok-3-mini']);
  assert.ok(thinking.some((f) => f.result?.response?.isThinking), 'still the thinking stream');
  const long = framesOf(await (await post(E1, { message: '#model:grok-2 #scenario:long:3 #delay:0', ...PROFILE_A })).text());
  assert.deepEqual(reported(long), ['grok-2', 'grok-2']);
  assert.equal(answerOf(long), 'w0 w1 w2 ');

  await control('POST', '/__fake/inject', { failures: [{ kind: 'scenario', name: 'other-model' }, { kind: 'scenario', name: 'other-model', arg: 'grok-2-mini' }] });
  const first = framesOf(await (await post(E1, { message: 'hi', ...PROFILE_B })).text());
  assert.deepEqual(reported(first), ['grok-3', 'grok-3']);
  assert.equal(answerOf(first), 'Bonjour! That is "hello" in French.');
  const second = framesOf(await (await post(E1, { message: 'hi', ...PROFILE_B })).text());
  assert.deepEqual(reported(second), ['grok-2-mini', 'grok-2-mini']);
  // without a knob the requested mode is reported (Profile B: modeId)
  assert.deepEqual(reported(framesOf(await (await post(E1, { message: 'hi', ...PROFILE_B })).text())), ['expert', 'expert']);
});

test('message-only: no answer token, the words only in modelResponse.message', async () => {
  const frames = framesOf(await (await post(E1, { message: '#scenario:message-only:3 #delay:0', ...PROFILE_A })).text());
  assert.equal(answerOf(frames), '');
  assert.equal(frames.find((f) => f.result?.response?.modelResponse).result.response.modelResponse.message, 'w0 w1 w2 ');
  assert.ok(frames.some((f) => f.result?.response?.isThinking && f.result.response.token === 'Planning the answer.'));
  assert.ok(frames.at(-1).result.response.isSoftStop);
});
