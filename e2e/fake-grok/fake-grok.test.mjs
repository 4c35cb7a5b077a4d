// Smoke test of the fake grok.com upstream: node --test e2e/fake-grok/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
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
