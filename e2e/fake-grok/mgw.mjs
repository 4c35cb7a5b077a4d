// Chat "gateway" WebSocket (E14, spec Appendix A, Profile C): `/ws/mgw/?uid=…`.
//
// Client events (envelope `{"session_id"?, "event":{type, event_id, …}}`):
//   session.create → server: session.created + conversation.attached
//   conversation.item.create (text in item.x_grok.input_chunks[].text.text)
//   response.create → server: response.chunk events …, response.done
//   ping → server: pong
// The answer is chosen by `#scenario:` directives in the item text, as on E1.
import { randomUUID } from 'node:crypto';
import { fixtureFrames } from './fixtures.mjs';
import { chatQuota, consume } from './quota.mjs';
import { awkwardSplit, parseDirectives, sayText } from './scenarios.mjs';
import { parseMessage } from './ws-conn.mjs';

export const MGW_PATH = '/ws/mgw/';
export const CHANNEL_ANSWER = 'CHANNEL_ASSISTANT_RESPONSE';
export const CHANNEL_THINKING = 'CHANNEL_ANALYSIS';
/** `session.model` values accepted (the Profile B modes, spec §0.2). */
export const MGW_MODELS = ['fast', 'auto', 'expert', 'heavy', 'grok-420-computer-use-sa'];

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v) => typeof v === 'string' && v !== '';

function intArg(arg, fallback, max = Number.MAX_SAFE_INTEGER) {
  const n = Number.parseInt(arg ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, max) : fallback;
}

// ---- texts taken from the REST fixtures -----------------------------------

const tokensOf = (frames, pick) =>
  frames
    .map((f) => f.result?.response)
    .filter((r) => r && typeof r.token === 'string' && r.token !== '' && pick(r));
const isAnswer = (r) => r.messageTag === 'final' && !r.isThinking;

const PLAIN = tokensOf(fixtureFrames('plain'), isAnswer).map((r) => r.token);
const ERROR_MIDSTREAM = tokensOf(fixtureFrames('errorMidstream'), isAnswer).map((r) => r.token);
/** Fixture 02 without its `header` token: [text, channel] in stream order (incl. the late thinking token). */
const THINKING = tokensOf(fixtureFrames('thinking'), (r) => r.messageTag !== 'header').map((r) => [
  r.token,
  r.isThinking ? CHANNEL_THINKING : CHANNEL_ANSWER,
]);

const SEARCH = {
  toolId: '7d1c9e2a-5b3f-4e60-9a11-0000000000c1',
  query: 'grok api',
  webpages: [
    { url: 'https://example.com/a', title: 'Example A', snippet: 'Preview A' },
    { url: 'https://example.org/b', title: 'Example B', snippet: 'Preview B' },
  ],
  citation: { id: 'card-1', kind: 'CITATION_KIND_WEB_PAGE', url: 'https://example.com/a', citation_id: '0' },
};

const INBAND_MESSAGES = { 8: 'Too many requests', 7: 'Request rejected by anti-bot rules.' };
const MODERATED_MESSAGE = 'Content moderated. Please rephrase your request. [WKE=grok:content-moderated]';

// ---- event builders --------------------------------------------------------

const chunkEvent = (sid, chunk) => ({ session_id: sid, event: { type: 'response.chunk', chunk } });
const textEvent = (sid, text, channel = CHANNEL_ANSWER) => chunkEvent(sid, { text: { text, channel } });
const doneEvent = (rid) => ({ event: { type: 'response.done', response: { id: rid, status: 'completed' } } });
export const errorEvent = (sid, code, message) => ({
  ...(sid ? { session_id: sid } : {}),
  event: { type: 'error', error: { code, message } },
});

function splitText(text, parts) {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const out = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length ? out : [''];
}

// ---- scenarios ---------------------------------------------------------------
// A plan is an iterable of steps: {event} | {pause: ms} | {close: code} | {terminate: true}.

const answer = (sid, tokens) => tokens.map((t) => ({ event: textEvent(sid, t) }));

function* longSteps(sid, rid, n) {
  for (let i = 0; i < n; i++) yield { event: textEvent(sid, `w${i} `) };
  yield { event: doneEvent(rid) };
}

function searchSteps(sid, rid) {
  const { toolId, query, webpages, citation } = SEARCH;
  return [
    { event: chunkEvent(sid, { tool_usage_card: { tool_usage_card_id: toolId, web_search: { args: { query } } } }) },
    { event: chunkEvent(sid, { tool_result: { tool_call_id: toolId, web_search: { webpages } } }) },
    ...answer(sid, ['Grok', ' has', ' an', ' API']),
    { event: chunkEvent(sid, { render_citation: citation }) },
    ...answer(sid, ['.']),
    { event: doneEvent(rid) },
  ];
}

/** name -> ({sid, rid, turn, model}, arg) => steps. */
const SCENARIOS = {
  plain: ({ sid, rid }) => [...answer(sid, PLAIN), { event: doneEvent(rid) }],
  thinking: ({ sid, rid }) => [
    ...THINKING.map(([text, channel]) => ({ event: textEvent(sid, text, channel) })),
    { event: doneEvent(rid) },
  ],
  search: ({ sid, rid }) => searchSteps(sid, rid),
  echo: ({ sid, rid, turn, model }) => {
    const text = JSON.stringify({ text: turn.text, file_attachment_ids: turn.fileAttachmentIds, model });
    return [...answer(sid, splitText(text, 3)), { event: doneEvent(rid) }];
  },
  say: ({ sid, rid }, arg) => [...answer(sid, awkwardSplit(sayText(arg))), { event: doneEvent(rid) }],
  long: ({ sid, rid }, arg) => longSteps(sid, rid, intArg(arg, 1000, 10_000_000)),
  stall: ({ sid, rid }, arg) => [
    ...answer(sid, PLAIN.slice(0, 2)),
    { pause: intArg(arg, 5000) },
    ...answer(sid, PLAIN.slice(2)),
    { event: doneEvent(rid) },
  ],
  'stall-before': ({ sid, rid }, arg) => [{ pause: intArg(arg, 5000) }, ...answer(sid, PLAIN), { event: doneEvent(rid) }],
  'error-midstream': ({ sid }) => [...answer(sid, ERROR_MIDSTREAM), { event: errorEvent(sid, 8, 'Too many requests') }],
  'inband-error': ({ sid }, arg) => {
    const code = intArg(arg, 13);
    return [{ event: errorEvent(sid, code, INBAND_MESSAGES[code] ?? 'Internal error') }];
  },
  moderated: ({ sid }) => [{ event: errorEvent(sid, 3, MODERATED_MESSAGE) }],
  'ws-error': ({ sid }, arg) => {
    const code = intArg(arg, 8);
    return [{ event: errorEvent(sid, code, INBAND_MESSAGES[code] ?? 'Internal error') }];
  },
  'ws-session-ended': ({ sid }) => [
    ...answer(sid, PLAIN.slice(0, 3)),
    { event: { session_id: sid, event: { type: 'session.ended' } } },
    { close: 1000 },
  ],
  'ws-drop': ({ sid }) => [...answer(sid, PLAIN.slice(0, 3)), { terminate: true }],
};

export function isMgwScenario(name) {
  return Object.hasOwn(SCENARIOS, name);
}

// ---- session -------------------------------------------------------------------

/** Text and file ids of a conversation.item.create event, or an error string. */
function readItem(event) {
  const item = event.item;
  if (!isObject(item) || item.type !== 'message') return 'item must be {type:"message", …}';
  const chunks = item.x_grok?.input_chunks;
  if (!Array.isArray(chunks)) return 'item.x_grok.input_chunks must be an array';
  const text = chunks
    .map((c) => c?.text?.text)
    .filter((t) => typeof t === 'string')
    .join('');
  const ids = [];
  const add = (list) => {
    if (!Array.isArray(list)) return;
    for (const id of list) if (isText(id) && !ids.includes(id)) ids.push(id);
  };
  add(item.file_attachment_ids);
  add(event.file_attachment_ids);
  add(chunks.map((c) => c?.mention?.target?.file_mention?.file_id));
  return { text, fileAttachmentIds: ids, eventId: event.event_id ?? null };
}

async function runSteps(conn, steps, delayMs) {
  let first = true;
  for (const step of steps) {
    if (!conn.open) return;
    if (step.pause != null) {
      await conn.sleep(step.pause);
      continue;
    }
    if (step.close != null) {
      conn.close(step.close);
      return;
    }
    if (step.terminate) {
      conn.terminate();
      return;
    }
    if (!first) await conn.sleep(delayMs);
    first = false;
    await conn.send(step.event);
  }
}

/** Drive one `/ws/mgw/` connection. ctx = {state, entry, token, uid, forced}. */
export function runMgwSession(conn, ctx) {
  const { state, entry, token } = ctx;
  entry.responses = [];
  let session = null; // {sid, model, conversationId}
  let turn = null; // the last conversation.item.create
  let forced = ctx.forced;
  let queue = Promise.resolve();

  const fail = (code, message) => conn.send(errorEvent(session?.sid, code, message));

  async function respond(current, responseEventId) {
    const directives = parseDirectives(current.text, isMgwScenario);
    const scenario = forced ?? directives.scenario ?? { name: 'plain' };
    forced = null; // an injected scenario applies to the first response only
    const rid = randomUUID();
    const record = {
      responseId: rid,
      clientEventId: responseEventId,
      model: session.model,
      text: current.text,
      fileAttachmentIds: current.fileAttachmentIds,
      scenario,
      quota: 'ok',
    };
    entry.responses.push(record);
    entry.scenario = scenario;
    if (!consume(state, token, chatQuota({ modeId: session.model }))) {
      record.quota = 'exhausted';
      await fail(8, 'Too many requests');
      return;
    }
    const steps = SCENARIOS[scenario.name]({ sid: session.sid, rid, turn: current, model: session.model }, scenario.arg);
    await runSteps(conn, steps, directives.delayMs ?? state.options.frameDelayMs);
  }

  function onEvent(msg) {
    const event = msg.event;
    const type = event.type;
    if (type === 'ping') {
      conn.send({ event: { type: 'pong', client_event_id: event.event_id ?? null } });
      return;
    }
    if (type === 'session.create') {
      if (session) return fail(9, 'failed-precondition: session already created');
      const s = event.session;
      if (!isObject(s) || !MGW_MODELS.includes(s.model)) {
        return fail(3, `invalid argument: session.model must be one of ${MGW_MODELS.join(', ')}`);
      }
      const xg = isObject(s.x_grok) ? s.x_grok : {};
      const conversationId = isText(xg.conversation_id) ? xg.conversation_id : randomUUID();
      session = { sid: randomUUID(), model: s.model, conversationId };
      Object.assign(entry, { sessionId: session.sid, model: s.model, conversationId });
      conn.send({ session_id: session.sid, event: { type: 'session.created', client_event_id: event.event_id ?? null } });
      conn.send({ event: { type: 'conversation.attached', conversation: { id: conversationId } } });
      return;
    }
    if (type === 'conversation.item.create' || type === 'response.create') {
      if (!session) return fail(9, 'failed-precondition: no session (send session.create first)');
      if (msg.session_id !== session.sid) return fail(3, 'invalid argument: unknown session_id');
      if (type === 'conversation.item.create') {
        const item = readItem(event);
        if (typeof item === 'string') return fail(3, `invalid argument: ${item}`);
        turn = item;
        return;
      }
      if (!turn) return fail(9, 'failed-precondition: response.create without a conversation.item.create');
      // take the turn now, so an item sent while an earlier answer streams belongs to the next response
      const current = turn;
      turn = null;
      const eventId = event.event_id ?? null;
      queue = queue.then(() => respond(current, eventId)).catch(() => conn.terminate());
      return;
    }
    // other event types are only logged
  }

  conn.ws.on('message', (data, isBinary) => {
    const parsed = parseMessage(data, isBinary);
    conn.log(parsed.ok ? parsed.value : parsed.logged);
    if (!parsed.ok || !isObject(parsed.value) || !isObject(parsed.value.event) || !isText(parsed.value.event.type)) {
      fail(3, 'invalid argument: expected {"event":{"type":…}}');
      return;
    }
    onEvent(parsed.value);
  });
}
