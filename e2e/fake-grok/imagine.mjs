// Imagine WebSocket (E13, spec §6.2): `/ws/imagine/listen`.
//
// Client: optional reset `{"type":"conversation.item.create","item":{"type":"message","content":[{"type":"reset"}]}}`,
// then a request whose `item.content[0]` is `{requestId, text, type:"input_text"|"input_scroll", properties:{…}}`.
// Server, per image i (one after the other): start_stage json → preview image
// (50 %) → final image (100 %, url + blob) → completed json; then close 1000.
import { randomUUID } from 'node:crypto';
import { imagineJpeg, imaginePath } from './assets.mjs';
import { parseDirectives } from './scenarios.mjs';
import { parseMessage } from './ws-conn.mjs';

export const IMAGINE_PATH = '/ws/imagine/listen';

/** `aspect_ratio` → [width, height] (spec §6.2 values, CY-4 extras included). */
export const ASPECT_SIZES = {
  '2:3': [832, 1248],
  '3:2': [1248, 832],
  '1:1': [1024, 1024],
  '16:9': [1344, 768],
  '9:16': [768, 1344],
  auto: [832, 1248],
  '4:3': [1152, 864],
  '3:4': [864, 1152],
  '2:1': [1408, 704],
  '1:2': [704, 1408],
  '19.5:9': [1456, 672],
  '9:19.5': [672, 1456],
  '20:9': [1440, 648],
  '9:20': [648, 1440],
};
export const DEFAULT_ASPECT = '2:3';
/** Images per round without `num_generations`, and the caps (spec §6.2: 6 speed, 4 pro). */
export const DEFAULT_GENERATIONS = 4;
const MAX_GENERATIONS = 6;
const MAX_GENERATIONS_PRO = 4;

const SCENARIOS = new Set(['ws-error', 'ws-moderated', 'ws-stall', 'ws-drop']);

export function isImagineScenario(name) {
  return SCENARIOS.has(name);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function intArg(arg, fallback) {
  const n = Number.parseInt(arg ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function generationCount(props) {
  const max = props.enable_pro === true ? MAX_GENERATIONS_PRO : MAX_GENERATIONS;
  const n = props.num_generations;
  if (!Number.isInteger(n) || n < 1) return Math.min(DEFAULT_GENERATIONS, max);
  return Math.min(n, max);
}

function errorFrame(errCode, errMsg) {
  return { type: 'error', err_code: errCode, err_msg: errMsg };
}

/** One round: every image of the request, then close 1000. */
async function runRound(conn, ctx, content) {
  const { state, entry } = ctx;
  const text = content.text;
  const props = isObject(content.properties) ? content.properties : {};
  const directives = parseDirectives(text, isImagineScenario);
  const scenario = ctx.forced ?? directives.scenario ?? { name: 'default' };
  const delayMs = directives.delayMs ?? state.options.frameDelayMs;
  const aspect = props.aspect_ratio ?? DEFAULT_ASPECT;
  const size = Object.hasOwn(ASPECT_SIZES, aspect) ? ASPECT_SIZES[aspect] : null;
  const count = generationCount(props);
  const round = {
    requestId: content.requestId ?? null,
    scenario,
    aspectRatio: aspect,
    numGenerations: count,
    imageIds: [],
  };
  entry.rounds.push(round);
  entry.scenario = scenario;

  let first = true;
  const send = async (frame) => {
    if (!first) await conn.sleep(delayMs);
    first = false;
    return conn.send(frame);
  };

  if (scenario.name === 'ws-error') {
    await send(errorFrame('rate_limit_exceeded', 'Too many requests'));
    conn.close(1000);
    return;
  }
  if (!size) {
    await send(errorFrame('invalid_argument', `unsupported aspect_ratio ${JSON.stringify(aspect)}`));
    conn.close(1000);
    return;
  }
  const [width, height] = size;
  // ws-moderated: every image (or the first ARG ones) is moderated.
  const moderatedCount = scenario.name === 'ws-moderated' ? intArg(scenario.arg, count) : 0;
  // ws-drop without ARG: dropped right after the first start_stage; ws-drop:N: the first N images are
  // delivered whole, then image N is dropped mid-image (after its start_stage and 50 % preview).
  const dropAt = scenario.name === 'ws-drop' && scenario.arg != null ? intArg(scenario.arg, 0) : null;

  for (let order = 0; order < count; order++) {
    const id = randomUUID();
    const moderated = order < moderatedCount;
    const url = `${ctx.origin}/${imaginePath(id)}`;
    round.imageIds.push(id);
    if (!moderated) state.imagineImages.add(id);

    if (!(await send({ type: 'json', current_status: 'start_stage', image_id: id, order, width, height }))) return;
    if (scenario.name === 'ws-drop' && dropAt === null) {
      conn.terminate();
      return;
    }
    if (scenario.name === 'ws-stall' && order === 0) await conn.sleep(intArg(scenario.arg, 5000));
    const image = (stage, percentage) => ({
      type: 'image',
      id,
      order,
      url,
      blob: imagineJpeg(id, stage).toString('base64'),
      percentage_complete: percentage,
      width,
      height,
    });
    if (!(await send(image('preview-50', 50)))) return;
    if (order === dropAt) {
      conn.terminate();
      return;
    }
    if (!moderated && !(await send(image('final', 100)))) return;
    const done = { type: 'json', current_status: 'completed', image_id: id, order, moderated, r_rated: false };
    if (!(await send(done))) return;
  }
  conn.close(1000);
}

/** Drive one `/ws/imagine/listen` connection. ctx = {state, entry, forced, origin}. */
export function runImagineSession(conn, ctx) {
  ctx.entry.rounds = [];
  let busy = false;
  conn.ws.on('message', (data, isBinary) => {
    const parsed = parseMessage(data, isBinary);
    conn.log(parsed.ok ? parsed.value : parsed.logged);
    if (busy) return; // the round in progress ends with a close; later messages are only logged
    const msg = parsed.ok ? parsed.value : null;
    const content = Array.isArray(msg?.item?.content) ? msg.item.content[0] : null;
    if (msg?.type !== 'conversation.item.create' || !isObject(content)) {
      busy = true;
      conn.send(errorFrame('invalid_request', 'expected a conversation.item.create message')).then(() => conn.close(1008));
      return;
    }
    if (content.type === 'reset') return;
    if ((content.type !== 'input_text' && content.type !== 'input_scroll') || typeof content.text !== 'string' || !content.text) {
      busy = true;
      conn.send(errorFrame('invalid_request', 'content must be input_text/input_scroll with a non-empty text')).then(() =>
        conn.close(1008),
      );
      return;
    }
    busy = true;
    runRound(conn, ctx, content).catch(() => conn.terminate());
  });
}
