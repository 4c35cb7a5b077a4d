// Builders for single upstream frames (spec §5.2/§5.3), modelled on the plain
// chat fixture so hand-built streams look like replayed ones.
import { fixtureFrames } from './fixtures.mjs';

const TEMPLATE = fixtureFrames('plain');
const CONVERSATION = TEMPLATE.find((f) => f.result?.conversation);
const USER_RESPONSE = TEMPLATE.find((f) => f.result?.response?.userResponse);
const MODEL_RESPONSE = TEMPLATE.find((f) => f.result?.response?.modelResponse);
const FINAL_METADATA = TEMPLATE.find((f) => f.result?.response?.finalMetadata);

export const RESPONSE_ID = MODEL_RESPONSE.result.response.responseId;

export function conversationFrame() {
  return structuredClone(CONVERSATION);
}

export function userResponseFrame({ message, model }) {
  const frame = structuredClone(USER_RESPONSE);
  const ur = frame.result.response.userResponse;
  if (typeof message === 'string') ur.message = message;
  if (model) ur.model = model;
  return frame;
}

/** `{"result":{"response":{…}}}` with the usual flags and response id. */
export function responseFrame(fields) {
  return {
    result: {
      response: { isThinking: false, isSoftStop: false, ...fields, responseId: RESPONSE_ID },
    },
  };
}

/** An answer token (`messageTag:"final"`); pass `{isThinking:true,…}` for reasoning. */
export function tokenFrame(token, extra = {}) {
  return responseFrame({ token, isThinking: false, messageTag: 'final', ...extra });
}

export function modelResponseFrame({ message, model, ...extra }) {
  const frame = structuredClone(MODEL_RESPONSE);
  const mr = frame.result.response.modelResponse;
  mr.message = message;
  if (model) mr.model = model;
  Object.assign(mr, extra);
  return frame;
}

export function finalMetadataFrame() {
  return structuredClone(FINAL_METADATA);
}

export function softStopFrame() {
  return responseFrame({ token: '', isSoftStop: true });
}

export function topLevelError(code, message) {
  return { error: { code, message, details: [] } };
}

/** Make a replayed fixture reflect the request: user message and model names. */
export function applyRequest(frames, { message, model }) {
  for (const frame of frames) {
    const r = frame.result?.response;
    if (!r) continue;
    if (r.userResponse) {
      if (typeof message === 'string') r.userResponse.message = message;
      if (model) r.userResponse.model = model;
    }
    if (r.modelResponse && model) r.modelResponse.model = model;
  }
  return frames;
}
