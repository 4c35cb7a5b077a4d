/**
 * @module grok/events
 * Frames → internal events (spec §5.2–§5.6). The mapper is stateful per upstream answer: it tracks the
 * thinking/answer phase, caches cards for `<grok:render>` citations, follows generated-image cards
 * (§5.3 `cardAttachment`, §6.1 "newer" form) and knows when the answer is complete.
 * It knows nothing about OpenAI; wire encoders in lib/openai (and later lib/anthropic, lib/responses)
 * consume these events.
 */
import type { Frame } from './ndjson';
import { isObj, num, str, type Obj } from './values';
import { classifyInBandError, upstreamFailure, type UpstreamFailure } from './errors';
import { createMarkupBuffer, webLink, type MarkupRenderer } from './markup';
import { createCitationBook, sourceLine } from './citations';

export type GrokEvent =
  | { type: 'meta'; model?: string; responseId?: string; conversationId?: string; fingerprint?: string }
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'citation'; url: string; title?: string; snippet?: string }
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

export function createFrameMapper(): FrameMapper {
  let answerStarted = false;
  let sawAnswerToken = false;
  let complete = false;
  let failed = false;
  const cards = new Map<string, Obj>();
  const book = createCitationBook();
  let lastRenderedCitation = '';
  const imagesDone = new Set<string>();
  /** Raw `jsonData` strings already handled: a card repeated in `cardAttachmentsJson` is not parsed again. */
  const seenCardJson = new Set<string>();
  const imageCards = new Map<string, ImageCard>();
  const imageFailures: UpstreamFailure[] = [];
  let videoProgress = -1;
  let videoDone = false;

  const pendingCitations: GrokEvent[] = [];
  const renderer: MarkupRenderer = {
    toolCard: (name, args) => toolLabel(name, args),
    render(cardId, type) {
      const card = cards.get(cardId);
      if (!card || type !== 'render_inline_citation') return '';
      const url = webLink(card.url);
      if (!url) return '';
      if (url === lastRenderedCitation) return '';
      lastRenderedCitation = url;
      pendingCitations.push(...book.announce(url));
      return book.marker(url);
    },
  };
  const thinkingBuf = createMarkupBuffer(renderer);
  const answerBuf = createMarkupBuffer(renderer);

  const text = (out: GrokEvent[], kind: 'text' | 'thinking', raw: string) => {
    const released = (kind === 'text' ? answerBuf : thinkingBuf).push(raw);
    out.push(...pendingCitations.splice(0));
    if (!released) return;
    if (kind === 'text') {
      answerStarted = true;
      out.push({ type: 'text', text: released });
    } else if (!answerStarted) {
      out.push({ type: 'thinking', text: released });
    }
  };

  const fail = (out: GrokEvent[], f: UpstreamFailure) => {
    if (failed) return;
    failed = true;
    out.push({ type: 'error', failure: f });
  };

  /** A generated-image card's chunk (§5.3): progress, the final image, or why it will not come. */
  const imageCard = (out: GrokEvent[], id: string, card: Obj) => {
    let state = imageCards.get(id);
    if (!state) {
      state = { index: imageCards.size, progress: -1, settled: false };
      imageCards.set(id, state);
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
      imageFailures.push(failure);
      out.push({ type: 'image_failed', index, failure });
      return;
    }
    const progress = num(chunk.progress) ?? 0;
    const path = progress >= 100 ? usableMediaPath(chunk.imageUrl ?? chunk.image_url ?? chunk.url) : undefined;
    if (path) {
      state.settled = true;
      if (imagesDone.has(path)) return;
      imagesDone.add(path);
      out.push({ type: 'image_progress', index, progress: 100 }, { type: 'image', index, path });
    } else if (Math.min(progress, 99) > state.progress) {
      // 100 % without a URL yet counts as 99: the URL may follow in a later chunk.
      state.progress = Math.min(progress, 99);
      out.push({ type: 'image_progress', index, progress: state.progress });
    }
  };

  /** One `cardAttachment` entry: `{jsonData}` with a JSON string or an object, or a bare card (§5.3, CY-4). */
  const onCard = (out: GrokEvent[], entry: unknown) => {
    let card: unknown = isObj(entry) && 'jsonData' in entry ? entry.jsonData : entry;
    if (typeof card === 'string') {
      if (seenCardJson.has(card)) return;
      seenCardJson.add(card);
      try {
        card = JSON.parse(card);
      } catch {
        return;
      }
    }
    if (!isObj(card) || typeof card.id !== 'string') return;
    cards.set(card.id, card);
    if (isImageCard(card)) imageCard(out, card.id, card);
  };

  /**
   * Once the answer is over: image cards were announced, none produced an image and some failed → the
   * answer failed (a moderated card first: it is the request's doing, and retrying will not help).
   */
  const settleImageCards = (out: GrokEvent[]) => {
    if (!imageFailures.length || imagesDone.size) return;
    fail(out, imageFailures.find((f) => f.kind === 'moderated') ?? imageFailures[0]);
  };

  const searchResults = (out: GrokEvent[], r: Obj, thinking: boolean) => {
    const lines: string[] = [];
    for (const item of resultsOf(r.webSearchResults)) {
      const url = webLink(item.url);
      if (!url) continue;
      const title = str(item.title) ?? url;
      const preview = str(item.preview)?.replace(/\s+/g, ' ').trim();
      out.push(...book.announce(url, title, preview));
      lines.push(sourceLine(url, title, preview));
    }
    for (const item of [...resultsOf(r.xSearchResults), ...resultsOf(r.xposts)]) {
      const user = str(item.username);
      const id = str(item.postId);
      if (!user || !id) continue;
      const url = `https://x.com/${user}/status/${id}`;
      const snippet = str(item.text)?.replace(/\s+/g, ' ').trim();
      out.push(...book.announce(url, `@${user}`, snippet));
      lines.push(sourceLine(url, `@${user}`));
    }
    if (thinking && lines.length && !answerStarted) out.push({ type: 'thinking', text: `${lines.join('')}\n` });
  };

  const images = (out: GrokEvent[], r: Obj) => {
    const img = r.streamingImageGenerationResponse;
    if (isObj(img)) {
      const index = num(img.imageIndex) ?? 0;
      const progress = num(img.progress) ?? 0;
      const path = usableMediaPath(img.imageUrl ?? img.url);
      if (path && progress >= 100 && img.moderated !== true) {
        if (!imagesDone.has(path)) {
          imagesDone.add(path);
          out.push({ type: 'image_progress', index, progress: 100 }, { type: 'image', index, path });
        }
      } else {
        out.push({ type: 'image_progress', index, progress: Math.min(progress, 99) });
      }
    }
    const vid = r.streamingVideoGenerationResponse;
    if (isObj(vid) && !videoDone) {
      const progress = num(vid.progress) ?? 0;
      if (progress > videoProgress) {
        videoProgress = progress;
        out.push({ type: 'video_progress', progress });
      }
      const path = usableMediaPath(vid.videoUrl ?? vid.contentUrl ?? vid.assetUrl ?? vid.fileUri);
      if (path && vid.moderated !== true) {
        videoDone = true;
        out.push({ type: 'video', path, thumbnailPath: usableMediaPath(vid.thumbnailImageUrl) });
      } else if (progress >= 100 && vid.moderated === true) {
        fail(out, classifyInBandError({ message: 'video was content-moderated' }));
      }
    }
  };

  const modelResponse = (out: GrokEvent[], mr: Obj) => {
    complete = true;
    const err = str(mr.error);
    if (err) return fail(out, classifyInBandError({ message: err }));
    if (Array.isArray(mr.cardAttachmentsJson)) for (const card of mr.cardAttachmentsJson) onCard(out, card);
    if (Array.isArray(mr.generatedImageUrls)) {
      mr.generatedImageUrls.forEach((u, index) => {
        const path = usableMediaPath(u);
        if (path && !imagesDone.has(path)) {
          imagesDone.add(path);
          out.push({ type: 'image', index, path });
        }
      });
    }
    searchResults(out, mr, false);
    // Multi-agent answers may arrive only as the complete message, with no answer tokens.
    const message = str(mr.message);
    if (!sawAnswerToken && message) {
      sawAnswerToken = true;
      text(out, 'text', message);
    }
    const model = str(mr.model);
    if (model) out.push({ type: 'meta', model });
    settleImageCards(out);
  };

  return {
    get complete() {
      return complete;
    },
    map(frame) {
      const out: GrokEvent[] = [];
      if (failed) return out;
      if (isObj(frame.error)) {
        fail(out, classifyInBandError(frame.error));
        return out;
      }
      const result = frame.result;
      if (!isObj(result)) return out;
      if (isObj(result.conversation)) {
        const conversationId = str(result.conversation.conversationId);
        if (conversationId) out.push({ type: 'meta', conversationId });
      }
      const r = result.response;
      if (!isObj(r)) return out;

      if (isObj(r.error)) {
        fail(out, classifyInBandError(r.error));
        return out;
      }
      if (isObj(r.userResponse)) {
        const model = str(r.userResponse.model);
        if (model) out.push({ type: 'meta', model });
      }
      if (isObj(r.llmInfo)) {
        const fingerprint = str(r.llmInfo.modelHash);
        out.push({ type: 'meta', fingerprint, responseId: str(r.responseId) });
      }
      if (isObj(r.cardAttachment)) onCard(out, r.cardAttachment);
      if (Array.isArray(r.cardAttachments)) for (const c of r.cardAttachments) onCard(out, c);

      const tag = str(r.messageTag);
      const thinking = r.isThinking === true || (r.isThinking === undefined && !!r.messageStepId && tag !== 'final');
      images(out, r);
      if (r.webSearchResults || r.xSearchResults) searchResults(out, r, thinking);

      const token = str(r.token);
      if (token && tag !== 'raw_function_result') {
        if (thinking) text(out, 'thinking', tag === 'header' ? `\n\n${token}\n\n` : token);
        else {
          sawAnswerToken = true;
          text(out, 'text', token);
        }
      }
      if (isObj(r.modelResponse)) modelResponse(out, r.modelResponse);
      if (r.isSoftStop === true || isObj(r.finalMetadata)) complete = true;
      return out;
    },
    end() {
      const out: GrokEvent[] = [];
      if (failed) return out;
      const thought = thinkingBuf.flush();
      if (thought && !answerStarted) out.push({ type: 'thinking', text: thought });
      const said = answerBuf.flush();
      if (said) out.push({ type: 'text', text: said });
      settleImageCards(out);
      return out;
    },
  };
}
