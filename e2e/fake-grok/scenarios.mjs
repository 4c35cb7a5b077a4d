// Conversation scenarios: which stream (or HTTP failure) E1 answers with.
// Chosen by a `#scenario:NAME[:ARG]` directive in the request `message`
// (first known one wins); see README.md for the list.
import { fixtureFrames } from './fixtures.mjs';
import {
  applyRequest,
  conversationFrame,
  finalMetadataFrame,
  modelResponseFrame,
  responseFrame,
  softStopFrame,
  tokenFrame,
  topLevelError,
  userResponseFrame,
} from './frames.mjs';
import { failDirectivePlan } from './failures.mjs';

// ---- directives -----------------------------------------------------------

const SCENARIO_RE = /#scenario:([a-z][a-z0-9-]*)(?::([A-Za-z0-9._-]+))?/gi;
const DELAY_RE = /#delay:(\d+)/i;
const MODEL_RE = /#model:([A-Za-z0-9._-]+)/i;

/**
 * `{scenario: {name, arg} | null, delayMs: number | null, model: string | null}` from a message
 * (`model`: `#model:NAME`, the model the answer reports instead of the requested one).
 * `known(name)` says which scenario names count (default: the E1 ones).
 */
export function parseDirectives(message, known = isScenario) {
  let scenario = null;
  for (const m of String(message ?? '').matchAll(SCENARIO_RE)) {
    const name = m[1].toLowerCase();
    if (known(name)) {
      scenario = { name, arg: m[2] };
      break;
    }
  }
  const d = DELAY_RE.exec(String(message ?? ''));
  const m = MODEL_RE.exec(String(message ?? ''));
  return { scenario, delayMs: d ? Number(d[1]) : null, model: m ? m[1] : null };
}

/**
 * Scenario for a request without a directive: media requests get the media
 * fixtures (spec §6.1, §6.4, §6.5), everything else the plain answer.
 */
export function defaultScenario(body) {
  const modelMap = body.responseMetadata?.modelConfigOverride?.modelMap ?? {};
  const tools = body.toolOverrides ?? {};
  const media = body.mediaGenInput ?? {};
  if (
    tools.videoGen === true ||
    modelMap.videoGenModelConfig ||
    media.textToVideo ||
    media.imageToVideo ||
    body.modelName === 'imagine-video-gen'
  ) {
    return { name: 'video' };
  }
  if (
    /^(Image Generation|Image Edit|Drawing):/.test(body.message) ||
    tools.imageGen === true ||
    modelMap.imageEditModelConfig ||
    media.imageToImage ||
    body.modelName === 'imagine-image-edit'
  ) {
    return { name: 'image' };
  }
  return { name: 'plain' };
}

// ---- helpers --------------------------------------------------------------

/** What `other-model` reports without an ARG. */
export const OTHER_MODEL = 'grok-3';

const ndjson = (steps) => ({ type: 'stream', format: 'ndjson', steps });
const frames = (list) => list.map((frame) => ({ frame }));

function intArg(arg, fallback, max = Number.MAX_SAFE_INTEGER) {
  const n = Number.parseInt(arg ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, max) : fallback;
}

function replay(key, ctx) {
  return applyRequest(fixtureFrames(key), ctx);
}

/** conversation + userResponse: the frames every stream starts with. */
function opening(ctx) {
  return [conversationFrame(), userResponseFrame(ctx)];
}

/** Split a string into `parts` pieces of about equal length (by code point). */
function splitText(text, parts) {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const out = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length ? out : [''];
}

/** A complete answer stream for a list of answer tokens. */
function answerFrames(ctx, tokens, modelResponseExtra = {}) {
  return [
    ...opening(ctx),
    ...tokens.map((t) => tokenFrame(t)),
    modelResponseFrame({ message: tokens.join(''), model: ctx.model, ...modelResponseExtra }),
    softStopFrame(),
  ];
}

const isAnswerToken = (f) =>
  typeof f.result?.response?.token === 'string' &&
  f.result.response.messageTag === 'final' &&
  !f.result.response.isThinking;

/** Text of a `say:<base64url>` directive argument (UTF-8). */
export function sayText(arg) {
  return Buffer.from(String(arg ?? ''), 'base64url').toString('utf8');
}

/**
 * Split a string into about `parts` pieces at uneven positions (by code point), so that
 * markup in it (tags, JSON) is cut mid-way across frames.
 */
export function awkwardSplit(text, parts = 8) {
  const chars = Array.from(text);
  const cuts = [];
  for (let k = 1; k < parts; k++) {
    const at = Math.round((chars.length * k) / parts) + ((k % 3) - 1) * 2;
    if (at > (cuts.at(-1) ?? 0) && at < chars.length) cuts.push(at);
  }
  const out = [];
  let prev = 0;
  for (const at of [...cuts, chars.length]) {
    out.push(chars.slice(prev, at).join(''));
    prev = at;
  }
  const pieces = out.filter((t) => t !== '');
  return pieces.length ? pieces : [''];
}

// ---- scenarios ------------------------------------------------------------

function say(ctx, arg) {
  return ndjson(frames(answerFrames(ctx, awkwardSplit(sayText(arg)))));
}

function echo(ctx) {
  const { message, fileAttachments, modelName, modelMode, modeId, temporary } = ctx.body;
  const text = JSON.stringify({ message, fileAttachments, modelName, modelMode, modeId, temporary });
  return ndjson(frames(answerFrames(ctx, splitText(text, 3))));
}

const SEARCH = {
  toolCardId: '7d1c9e2a-5b3f-4e60-9a11-0000000000c1',
  results: [
    { url: 'https://example.com/a', title: 'Example A', preview: 'Preview A' },
    { url: 'https://example.org/b', title: 'Example B', preview: 'Preview B' },
  ],
  card: {
    id: 'card-1',
    type: 'render_inline_citation',
    cardType: 'citation_card',
    url: 'https://example.com/a',
  },
  render:
    '<grok:render card_id="card-1" card_type="citation_card" type="render_inline_citation">' +
    '<argument name="citation_id">0</argument></grok:render>',
};

function search(ctx) {
  const id = SEARCH.toolCardId;
  const toolMarkup =
    `<xai:tool_usage_card><xai:tool_usage_card_id>${id}</xai:tool_usage_card_id>` +
    '<xai:tool_name>web_search</xai:tool_name>' +
    '<xai:tool_args><![CDATA[{"query":"grok api"}]]></xai:tool_args></xai:tool_usage_card>';
  const toolCut = toolMarkup.indexOf('<xai:tool_args>');
  const renderCut = SEARCH.render.indexOf('<argument');
  const thinking = { isThinking: true, messageStepId: 1, rolloutId: 'Grok' };
  const jsonData = JSON.stringify(SEARCH.card);
  const answer = ['Grok', ' has', ' an', ' API', SEARCH.render.slice(0, renderCut), SEARCH.render.slice(renderCut), '.'];
  return ndjson(
    frames([
      ...opening(ctx),
      tokenFrame('Thinking about your request', { ...thinking, messageTag: 'header', messageStepId: 0 }),
      tokenFrame(toolMarkup.slice(0, toolCut), {
        ...thinking,
        messageTag: 'tool_usage_card',
        toolUsageCardId: id,
        toolUsageCard: { toolUsageCardId: id, webSearch: { args: { query: 'grok api' } } },
      }),
      tokenFrame(toolMarkup.slice(toolCut), { ...thinking, messageTag: 'tool_usage_card', toolUsageCardId: id }),
      responseFrame({ ...thinking, token: '', toolUsageCardId: id, webSearchResults: { results: SEARCH.results } }),
      responseFrame({ cardAttachment: { jsonData } }),
      ...answer.map((t) => tokenFrame(t)),
      modelResponseFrame({
        message: answer.join(''),
        model: ctx.model,
        webSearchResults: SEARCH.results,
        cardAttachmentsJson: [jsonData],
      }),
      softStopFrame(),
    ]),
  );
}

function* longSteps(ctx, n) {
  for (const frame of opening(ctx)) yield { frame };
  for (let i = 0; i < n; i++) yield { frame: tokenFrame(`w${i} `) };
  let text = '';
  for (let i = 0; i < n; i++) text += `w${i} `;
  yield { frame: modelResponseFrame({ message: text, model: ctx.model }) };
  yield { frame: finalMetadataFrame() };
  yield { frame: softStopFrame() };
}

/**
 * A multi-agent style answer (spec §5.7, CY-2 and "Recommended": no answer tokens arrived → the answer is
 * `modelResponse.message`): one thinking token, then the N words of `long:N` only in `modelResponse.message`.
 */
function messageOnly(ctx, n) {
  let text = '';
  for (let i = 0; i < n; i++) text += `w${i} `;
  return ndjson(
    frames([
      ...opening(ctx),
      tokenFrame('Planning the answer.', { isThinking: true, messageStepId: 0, rolloutId: 'Grok' }),
      modelResponseFrame({ message: text, model: ctx.model }),
      finalMetadataFrame(),
      softStopFrame(),
    ]),
  );
}

function stall(ctx, ms) {
  const list = replay('plain', ctx);
  let seen = 0;
  const cut = list.findIndex((f) => isAnswerToken(f) && ++seen === 2) + 1;
  return ndjson([...frames(list.slice(0, cut)), { pause: ms }, ...frames(list.slice(cut))]);
}

function truncate(ctx, arg) {
  const list = replay('plain', ctx);
  const next = JSON.stringify(list[4]);
  const steps = [...frames(list.slice(0, 4)), { raw: next.slice(0, Math.floor(next.length / 2)) }];
  // default: drop the connection (no terminating chunk); `truncate:clean` ends the body normally.
  if (arg !== 'clean') steps.push({ destroy: true });
  return ndjson(steps);
}

/** A 200 whose body holds no frame at all: what a changed upstream or a proxy's page would look like. */
function unparseable() {
  return ndjson([{ raw: '<!doctype html>\n' }, { raw: 'upstream temporarily replaced this answer\n' }, { raw: '{"result": oops}\n' }]);
}

const INBAND_MESSAGES = { 8: 'Too many requests', 7: 'Request rejected by anti-bot rules.' };

function inbandError(ctx, arg) {
  const code = intArg(arg, 13);
  return ndjson(frames([...opening(ctx), topLevelError(code, INBAND_MESSAGES[code] ?? 'Internal error')]));
}

function responseError(ctx) {
  return ndjson(
    frames([
      ...opening(ctx),
      { result: { response: { error: { message: "You've reached your usage limit. Please try again later." } } } },
    ]),
  );
}

function modelError(ctx) {
  return ndjson(
    frames([...opening(ctx), modelResponseFrame({ message: '', model: ctx.model, error: 'model failed' }), softStopFrame()]),
  );
}

function moderated(ctx) {
  return ndjson(
    frames([
      ...opening(ctx),
      topLevelError(3, 'Content moderated. Please rephrase your request. [WKE=grok:content-moderated]'),
    ]),
  );
}

/**
 * Plain answer `你好，世界！Hello` as a hostile byte stream: CRLF on some lines,
 * one blank and one garbage line, chunks cut mid-line, between CR and LF and
 * inside multi-byte UTF-8 characters.
 */
function split(ctx) {
  const tokens = ['你好', '，', '世界', '！', 'Hello'];
  const base = replay('plain', ctx);
  const llmInfo = base.find((f) => f.result?.response?.llmInfo);
  const lines = [
    [conversationFrame(), '\n'],
    [userResponseFrame(ctx), '\r\n'],
    ['', '\n'],
    [llmInfo, '\n'],
    ['this line is not JSON {"oops":', '\n'],
    ...tokens.map((t, i) => [tokenFrame(t), i % 2 ? '\r\n' : '\n']),
    [modelResponseFrame({ message: tokens.join(''), model: ctx.model }), '\n'],
    [finalMetadataFrame(), '\r\n'],
    [softStopFrame(), '\n'],
  ].map(([body, eol]) => Buffer.from((typeof body === 'string' ? body : JSON.stringify(body)) + eol));

  const cuts = new Set();
  let offset = 0;
  for (const line of lines) {
    cuts.add(offset + Math.floor(line.length / 2)); // mid-line
    if (line.at(-2) === 0x0d) cuts.add(offset + line.length - 1); // between CR and LF
    for (const ch of ['你', '，', '世', '！']) {
      const at = line.indexOf(Buffer.from(ch));
      if (at >= 0) cuts.add(offset + at + 1 + (ch === '世' ? 1 : 0)); // inside the character
    }
    offset += line.length;
  }
  const all = Buffer.concat(lines);
  const points = [...cuts].filter((p) => p > 0 && p < all.length).sort((a, b) => a - b);
  const steps = [];
  let prev = 0;
  for (const p of [...points, all.length]) {
    steps.push({ raw: all.subarray(prev, p) });
    prev = p;
  }
  return ndjson(steps);
}

function video(ctx) {
  const list = replay('video', ctx);
  const parentPostId =
    ctx.body.responseMetadata?.modelConfigOverride?.modelMap?.videoGenModelConfig?.parentPostId;
  if (typeof parentPostId === 'string' && parentPostId) {
    for (const f of list) {
      const v = f.result?.response?.streamingVideoGenerationResponse;
      if (v) v.videoPostId = parentPostId;
    }
  }
  return ndjson(frames(list));
}

/**
 * Card-based image generation (transcripts/card-image.ndjson): two generated-image cards announced with
 * `image_chunk: null`, their `<grok:render>` placeholders cut mid-tag, rising progress, final chunks with
 * the image paths, `cardAttachmentsJson` in `modelResponse`. `edit` replaces the final (100 %) chunk of
 * the first `count` cards, in the stream and in `cardAttachmentsJson` alike.
 */
function cardImage(ctx, { count = 0, edit = (chunk) => chunk } = {}) {
  const list = replay('cardImage', ctx);
  const order = [];
  const rewrite = (json) => {
    const card = JSON.parse(json);
    if (!order.includes(card.id)) order.push(card.id);
    if (order.indexOf(card.id) >= count || card.image_chunk?.progress !== 100) return json;
    return JSON.stringify({ ...card, image_chunk: edit(card.image_chunk) });
  };
  for (const f of list) {
    const r = f.result?.response;
    if (r?.cardAttachment) r.cardAttachment.jsonData = rewrite(r.cardAttachment.jsonData);
    if (r?.modelResponse) r.modelResponse.cardAttachmentsJson = r.modelResponse.cardAttachmentsJson.map(rewrite);
  }
  return ndjson(frames(list));
}

/** name -> (ctx, arg) => plan. ctx = {body, message, model}. */
const SCENARIOS = {
  plain: (ctx) => ndjson(frames(replay('plain', ctx))),
  thinking: (ctx) => ndjson(frames(replay('thinking', ctx))),
  // `plain`, but userResponse/modelResponse report another model than the requested one (a downgraded account).
  'other-model': (ctx, arg) => ndjson(frames(replay('plain', { ...ctx, model: arg ?? OTHER_MODEL }))),
  'error-midstream': (ctx) => ndjson(frames(replay('errorMidstream', ctx))),
  image: (ctx) => ndjson(frames(replay('image', ctx))),
  'card-image': (ctx) => cardImage(ctx),
  // The moderated final chunk keeps its imageUrl: only `moderated:true` says the image must not be shown.
  'card-image-moderated': (ctx, arg) => cardImage(ctx, { count: intArg(arg, 2), edit: (c) => ({ ...c, moderated: true }) }),
  'card-image-failed': (ctx, arg) =>
    cardImage(ctx, { count: 2, edit: (c) => ({ ...c, imageUrl: '', systemErrCode: arg ?? 'rate_limit' }) }),
  video,
  echo,
  say,
  search,
  long: (ctx, arg) => ndjson(longSteps(ctx, intArg(arg, 1000, 10_000_000))),
  'message-only': (ctx, arg) => messageOnly(ctx, intArg(arg, 1000, 1_000_000)),
  'stall-before': (ctx, arg) => ndjson([{ pause: intArg(arg, 5000) }, ...frames(replay('plain', ctx))]),
  stall: (ctx, arg) => stall(ctx, intArg(arg, 5000)),
  truncate,
  unparseable,
  'inband-error': inbandError,
  'response-error': responseError,
  'model-error': modelError,
  moderated,
  sse: (ctx) => ({ type: 'stream', format: 'sse', steps: frames(replay('plain', ctx)) }),
  concat: (ctx) => ({ type: 'stream', format: 'concat', steps: frames(replay('plain', ctx)) }),
  split,
  fail: (_ctx, arg) => failDirectivePlan(arg),
};

export function isScenario(name) {
  return Object.hasOwn(SCENARIOS, name);
}

/** Build the plan of a scenario. */
export function scenarioPlan(name, arg, ctx) {
  return SCENARIOS[name](ctx, arg);
}
