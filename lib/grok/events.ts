/**
 * @module grok/events
 * Frames → internal events (spec §5.2–§5.6). One upstream answer's state is one record (`AnswerState`):
 * the thinking/answer phase, the cards for `<grok:render>` citations, generated-image cards (§5.3
 * `cardAttachment`, §6.1 "newer" form), video progress, and whether the answer is complete. Each part of a
 * frame has its own handler over that record; `createFrameMapper` only dispatches.
 * It knows nothing about OpenAI; wire encoders in lib/openai (and later lib/anthropic, lib/responses)
 * consume these events.
 */
import type { Frame } from './ndjson';
import { isObj, num, str, type Obj } from './values';
import { classifyInBandError, upstreamFailure, type UpstreamFailure } from './errors';
import { createMarkupBuffer, webLink, type MarkupPiece } from './markup';
import { createCitationBook, inlineMarker, sourceLine } from './citations';

export type GrokEvent =
  | { type: 'meta'; model?: string; responseId?: string; conversationId?: string; fingerprint?: string }
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'citation'; url: string; title?: string; snippet?: string }
  /** The answer cites a source here (in order with its text); `number` counts sources by first inline use. */
  | { type: 'cite'; url: string; number: number }
  | { type: 'image_progress'; index: number; progress: number }
  /** `path` is what upstream returned: a relative asset path or an absolute URL. */
  | { type: 'image'; index: number; path: string; b64?: string }
  /**
   * One image of the answer will not come (a moderated or failed generated-image card). Not terminal: the
   * answer goes on; when no image at all was produced the answer ends with an `error` event instead.
   */
  | { type: 'image_failed'; index: number; failure: UpstreamFailure }
  | { type: 'video_progress'; progress: number }
  | { type: 'video'; path: string; thumbnailPath?: string }
  | { type: 'error'; failure: UpstreamFailure }
  | { type: 'done' };

function usableMediaPath(v: unknown): string | undefined {
  const s = str(v)?.trim();
  if (!s || s === '/' || /^https?:\/\/[^/]+\/?$/.test(s)) return undefined;
  return s;
}

function toolLabel(name: string, args: Obj): string {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const arg = str(args.query) ?? str(args.url) ?? str(args.image_description) ?? str(args.imageDescription) ?? str(args.message) ?? '';
  return `\n[${snake}]${arg ? ` ${arg}` : ''}\n`;
}

function resultsOf(v: unknown): Obj[] {
  if (Array.isArray(v)) return v.filter(isObj);
  if (isObj(v) && Array.isArray(v.results)) return v.results.filter(isObj);
  return [];
}

/** Render types of a generated-image card (§5.3); its `cardType` is `generated_image_card`. */
const IMAGE_CARD_TYPES = new Set(['render_generated_image', 'render_file']);
const isImageCard = (card: Obj) => card.cardType === 'generated_image_card' || IMAGE_CARD_TYPES.has(card.type as string);

/** State of one generated-image card, keyed by card id. */
interface ImageCard {
  index: number;
  progress: number;
  /** The image arrived, or the card failed: later chunks of it change nothing. */
  settled: boolean;
}

/** `image_chunk.systemErrCode` (e.g. `rate_limit`) as the in-band error it stands for (§7.3). */
const systemError = (code: string) => classifyInBandError({ message: `generated image failed: ${code.replace(/[_-]+/g, ' ')} (${code})` });

export interface FrameMapper {
  map(frame: Frame): GrokEvent[];
  /** Call at the end of the body: releases held text and reports a truncated answer. */
  end(): GrokEvent[];
  /** True once upstream signalled the answer is complete (soft stop / final metadata / model response). */
  readonly complete: boolean;
}

type MarkupBuffer = ReturnType<typeof createMarkupBuffer>;

/** Everything the mapper remembers about one upstream answer. */
interface AnswerState {
  /** Answer text was released: later thinking is not shown. */
  answerStarted: boolean;
  /** An answer token arrived (a final `modelResponse.message` would repeat it). */
  sawAnswerToken: boolean;
  complete: boolean;
  /** An error event was emitted: nothing follows it. */
  failed: boolean;
  /** Cards by id, for `<grok:render card_id=…>`. */
  cards: Map<string, Obj>;
  /** Raw `jsonData` strings already handled: a card repeated in `cardAttachmentsJson` is not parsed again. */
  seenCardJson: Set<string>;
  book: ReturnType<typeof createCitationBook>;
  /** The same source cited twice in a row is shown once. */
  lastCitedUrl: string;
  imageCards: Map<string, ImageCard>;
  imageFailures: UpstreamFailure[];
  /** Image paths already emitted (the same image can come from a card, a stream event and the final response). */
  imagesDone: Set<string>;
  videoProgress: number;
  videoDone: boolean;
  thinking: MarkupBuffer;
  answer: MarkupBuffer;
}

function newAnswerState(): AnswerState {
  return {
    answerStarted: false,
    sawAnswerToken: false,
    complete: false,
    failed: false,
    cards: new Map(),
    seenCardJson: new Set(),
    book: createCitationBook(),
    lastCitedUrl: '',
    imageCards: new Map(),
    imageFailures: [],
    imagesDone: new Set(),
    videoProgress: -1,
    videoDone: false,
    thinking: createMarkupBuffer(toolLabel),
    answer: createMarkupBuffer(toolLabel),
  };
}

function fail(s: AnswerState, out: GrokEvent[], f: UpstreamFailure) {
  if (s.failed) return;
  s.failed = true;
  out.push({ type: 'error', failure: f });
}

/** The inline citation a `<grok:render>` tag stands for, announcing its source on first use. */
function citationOf(s: AnswerState, out: GrokEvent[], cardId: string, type: string) {
  const card = s.cards.get(cardId);
  if (!card || type !== 'render_inline_citation') return undefined;
  const url = webLink(card.url);
  if (!url || url === s.lastCitedUrl) return undefined;
  s.lastCitedUrl = url;
  out.push(...s.book.announce(url));
  return s.book.cite(url);
}

/** Released markup pieces as events: answer citations become `cite` events, in thinking they are text. */
function releasePieces(s: AnswerState, out: GrokEvent[], kind: 'text' | 'thinking', pieces: MarkupPiece[]) {
  let text = '';
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    const cite = citationOf(s, out, piece.cardId, piece.type);
    if (!cite) continue;
    if (kind === 'thinking') {
      text += inlineMarker(cite);
      continue;
    }
    if (text) out.push({ type: 'text', text });
    text = '';
    s.answerStarted = true;
    out.push(cite);
  }
  if (!text) return;
  if (kind === 'text') {
    s.answerStarted = true;
    out.push({ type: 'text', text });
  } else if (!s.answerStarted) out.push({ type: 'thinking', text });
}

function onText(s: AnswerState, out: GrokEvent[], kind: 'text' | 'thinking', raw: string) {
  releasePieces(s, out, kind, (kind === 'text' ? s.answer : s.thinking).push(raw));
}

/** A generated-image card's chunk (§5.3): progress, the final image, or why it will not come. */
function onImageCard(s: AnswerState, out: GrokEvent[], id: string, card: Obj) {
  let state = s.imageCards.get(id);
  if (!state) {
    state = { index: s.imageCards.size, progress: -1, settled: false };
    s.imageCards.set(id, state);
  }
  if (state.settled) return;
  const { index } = state;
  const chunk = card.image_chunk ?? card.imageChunk;
  if (!isObj(chunk)) {
    // The announcing frame (`image_chunk: null`): generation has started.
    if (state.progress < 0) {
      state.progress = 0;
      out.push({ type: 'image_progress', index, progress: 0 });
    }
    return;
  }
  const errCode = str(chunk.systemErrCode);
  if (chunk.moderated === true || errCode) {
    state.settled = true;
    const failure = chunk.moderated === true ? upstreamFailure('moderated', `generated image ${index + 1} was content-moderated`) : systemError(errCode!);
    s.imageFailures.push(failure);
    out.push({ type: 'image_failed', index, failure });
    return;
  }
  const progress = num(chunk.progress) ?? 0;
  const path = progress >= 100 ? usableMediaPath(chunk.imageUrl ?? chunk.image_url ?? chunk.url) : undefined;
  if (path) {
    state.settled = true;
    emitImage(s, out, index, path, true);
  } else if (Math.min(progress, 99) > state.progress) {
    // 100 % without a URL yet counts as 99: the URL may follow in a later chunk.
    state.progress = Math.min(progress, 99);
    out.push({ type: 'image_progress', index, progress: state.progress });
  }
}

/** An image, once per path; `withProgress` first reports it at 100 %. */
function emitImage(s: AnswerState, out: GrokEvent[], index: number, path: string, withProgress: boolean) {
  if (s.imagesDone.has(path)) return;
  s.imagesDone.add(path);
  if (withProgress) out.push({ type: 'image_progress', index, progress: 100 });
  out.push({ type: 'image', index, path });
}

/** One `cardAttachment` entry: `{jsonData}` with a JSON string or an object, or a bare card (§5.3, CY-4). */
function onCard(s: AnswerState, out: GrokEvent[], entry: unknown) {
  let card: unknown = isObj(entry) && 'jsonData' in entry ? entry.jsonData : entry;
  if (typeof card === 'string') {
    if (s.seenCardJson.has(card)) return;
    s.seenCardJson.add(card);
    try {
      card = JSON.parse(card);
    } catch {
      return;
    }
  }
  if (!isObj(card) || typeof card.id !== 'string') return;
  s.cards.set(card.id, card);
  if (isImageCard(card)) onImageCard(s, out, card.id, card);
}

/**
 * Once the answer is over: image cards were announced, none produced an image and some failed → the
 * answer failed (a moderated card first: it is the request's doing, and retrying will not help).
 */
function settleImageCards(s: AnswerState, out: GrokEvent[]) {
  if (!s.imageFailures.length || s.imagesDone.size) return;
  fail(s, out, s.imageFailures.find((f) => f.kind === 'moderated') ?? s.imageFailures[0]);
}

function onSearchResults(s: AnswerState, out: GrokEvent[], r: Obj, thinking: boolean) {
  const lines: string[] = [];
  for (const item of resultsOf(r.webSearchResults)) {
    const url = webLink(item.url);
    if (!url) continue;
    const title = str(item.title) ?? url;
    const preview = str(item.preview)?.replace(/\s+/g, ' ').trim();
    out.push(...s.book.announce(url, title, preview));
    lines.push(sourceLine(url, title, preview));
  }
  for (const item of [...resultsOf(r.xSearchResults), ...resultsOf(r.xposts)]) {
    const user = str(item.username);
    const id = str(item.postId);
    if (!user || !id) continue;
    const url = `https://x.com/${user}/status/${id}`;
    const snippet = str(item.text)?.replace(/\s+/g, ' ').trim();
    out.push(...s.book.announce(url, `@${user}`, snippet));
    lines.push(sourceLine(url, `@${user}`));
  }
  if (thinking && lines.length && !s.answerStarted) out.push({ type: 'thinking', text: `${lines.join('')}\n` });
}

/** `streamingImageGenerationResponse` (§6.1 older form): progress per image index, then the image. */
function onStreamingImage(s: AnswerState, out: GrokEvent[], img: Obj) {
  const index = num(img.imageIndex) ?? 0;
  const progress = num(img.progress) ?? 0;
  const path = usableMediaPath(img.imageUrl ?? img.url);
  if (path && progress >= 100 && img.moderated !== true) emitImage(s, out, index, path, true);
  else out.push({ type: 'image_progress', index, progress: Math.min(progress, 99) });
}

/** `streamingVideoGenerationResponse` (§6.2): rising progress, then the video (or its moderation). */
function onStreamingVideo(s: AnswerState, out: GrokEvent[], vid: Obj) {
  if (s.videoDone) return;
  const progress = num(vid.progress) ?? 0;
  if (progress > s.videoProgress) {
    s.videoProgress = progress;
    out.push({ type: 'video_progress', progress });
  }
  const path = usableMediaPath(vid.videoUrl ?? vid.contentUrl ?? vid.assetUrl ?? vid.fileUri);
  if (path && vid.moderated !== true) {
    s.videoDone = true;
    out.push({ type: 'video', path, thumbnailPath: usableMediaPath(vid.thumbnailImageUrl) });
  } else if (progress >= 100 && vid.moderated === true) {
    fail(s, out, classifyInBandError({ message: 'video was content-moderated' }));
  }
}

/** The final `modelResponse`: the answer is complete; it may carry cards, images, sources and the whole message. */
function onModelResponse(s: AnswerState, out: GrokEvent[], mr: Obj) {
  s.complete = true;
  const err = str(mr.error);
  if (err) return fail(s, out, classifyInBandError({ message: err }));
  if (Array.isArray(mr.cardAttachmentsJson)) for (const card of mr.cardAttachmentsJson) onCard(s, out, card);
  if (Array.isArray(mr.generatedImageUrls)) {
    mr.generatedImageUrls.forEach((u, index) => {
      const path = usableMediaPath(u);
      if (path) emitImage(s, out, index, path, false);
    });
  }
  onSearchResults(s, out, mr, false);
  // Multi-agent answers may arrive only as the complete message, with no answer tokens.
  const message = str(mr.message);
  if (!s.sawAnswerToken && message) {
    s.sawAnswerToken = true;
    onText(s, out, 'text', message);
  }
  const model = str(mr.model);
  if (model) out.push({ type: 'meta', model });
  settleImageCards(s, out);
}

/** `result.response` of one frame, its parts in the order the answer needs them. */
function onResponse(s: AnswerState, out: GrokEvent[], r: Obj) {
  if (isObj(r.error)) return fail(s, out, classifyInBandError(r.error));
  if (isObj(r.userResponse)) {
    const model = str(r.userResponse.model);
    if (model) out.push({ type: 'meta', model });
  }
  if (isObj(r.llmInfo)) out.push({ type: 'meta', fingerprint: str(r.llmInfo.modelHash), responseId: str(r.responseId) });
  if (isObj(r.cardAttachment)) onCard(s, out, r.cardAttachment);
  if (Array.isArray(r.cardAttachments)) for (const c of r.cardAttachments) onCard(s, out, c);

  const tag = str(r.messageTag);
  const thinking = r.isThinking === true || (r.isThinking === undefined && !!r.messageStepId && tag !== 'final');
  if (isObj(r.streamingImageGenerationResponse)) onStreamingImage(s, out, r.streamingImageGenerationResponse);
  if (isObj(r.streamingVideoGenerationResponse)) onStreamingVideo(s, out, r.streamingVideoGenerationResponse);
  if (r.webSearchResults || r.xSearchResults) onSearchResults(s, out, r, thinking);

  const token = str(r.token);
  if (token && tag !== 'raw_function_result') {
    if (thinking) onText(s, out, 'thinking', tag === 'header' ? `\n\n${token}\n\n` : token);
    else {
      s.sawAnswerToken = true;
      onText(s, out, 'text', token);
    }
  }
  if (isObj(r.modelResponse)) onModelResponse(s, out, r.modelResponse);
  if (r.isSoftStop === true || isObj(r.finalMetadata)) s.complete = true;
}

export function createFrameMapper(): FrameMapper {
  const s = newAnswerState();
  return {
    get complete() {
      return s.complete;
    },
    map(frame) {
      const out: GrokEvent[] = [];
      if (s.failed) return out;
      if (isObj(frame.error)) {
        fail(s, out, classifyInBandError(frame.error));
        return out;
      }
      const result = frame.result;
      if (!isObj(result)) return out;
      if (isObj(result.conversation)) {
        const conversationId = str(result.conversation.conversationId);
        if (conversationId) out.push({ type: 'meta', conversationId });
      }
      if (isObj(result.response)) onResponse(s, out, result.response);
      return out;
    },
    end() {
      const out: GrokEvent[] = [];
      if (s.failed) return out;
      const thought = s.thinking.flush();
      if (thought && !s.answerStarted) out.push({ type: 'thinking', text: thought });
      const said = s.answer.flush();
      if (said) out.push({ type: 'text', text: said });
      settleImageCards(s, out);
      return out;
    },
  };
}
