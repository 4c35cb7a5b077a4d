/**
 * @module grok/events
 * Frames → internal events (spec §5.2–§5.6). The mapper is stateful per upstream answer: it tracks the
 * thinking/answer phase, caches cards for `<grok:render>` citations and knows when the answer is complete.
 * It knows nothing about OpenAI; wire encoders in lib/openai (and later lib/anthropic, lib/responses)
 * consume these events.
 */
import type { Frame } from './ndjson';
import { classifyInBandError, type UpstreamFailure } from './errors';
import { createMarkupBuffer, type MarkupRenderer } from './markup';

export type GrokEvent =
  | { type: 'meta'; model?: string; responseId?: string; conversationId?: string; fingerprint?: string }
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'citation'; url: string; title?: string; snippet?: string }
  | { type: 'image_progress'; index: number; progress: number }
  /** `path` is what upstream returned: a relative asset path or an absolute URL. */
  | { type: 'image'; index: number; path: string; b64?: string }
  | { type: 'video_progress'; progress: number }
  | { type: 'video'; path: string; thumbnailPath?: string }
  | { type: 'error'; failure: UpstreamFailure }
  | { type: 'done' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

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
  const citedUrls: string[] = [];
  const announcedCitations = new Set<string>();
  let lastRenderedCitation = '';
  const imagesDone = new Set<string>();
  let videoProgress = -1;
  let videoDone = false;

  const citation = (url: string, title?: string, snippet?: string): GrokEvent[] => {
    if (announcedCitations.has(url)) return [];
    announcedCitations.add(url);
    return [{ type: 'citation', url, title, snippet }];
  };

  const pendingCitations: GrokEvent[] = [];
  const renderer: MarkupRenderer = {
    toolCard: (name, args) => toolLabel(name, args),
    render(cardId, type) {
      const card = cards.get(cardId);
      if (!card || type !== 'render_inline_citation') return '';
      const url = str(card.url);
      if (!url) return '';
      if (url === lastRenderedCitation) return '';
      lastRenderedCitation = url;
      let n = citedUrls.indexOf(url) + 1;
      if (n === 0) n = citedUrls.push(url);
      pendingCitations.push(...citation(url));
      return ` [[${n}]](${url})`;
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

  const onCard = (jsonData: unknown) => {
    let card: unknown = jsonData;
    if (typeof jsonData === 'string') {
      try {
        card = JSON.parse(jsonData);
      } catch {
        return;
      }
    }
    if (isObj(card) && typeof card.id === 'string') cards.set(card.id, card);
  };

  const searchResults = (out: GrokEvent[], r: Obj, thinking: boolean) => {
    const lines: string[] = [];
    for (const item of resultsOf(r.webSearchResults)) {
      const url = str(item.url);
      if (!url) continue;
      const title = str(item.title) ?? url;
      const preview = str(item.preview)?.replace(/\s+/g, ' ').trim();
      out.push(...citation(url, title, preview));
      lines.push(`\n- [${title}](${url}${preview ? ` "${preview.replace(/"/g, "'")}"` : ''})`);
    }
    for (const item of [...resultsOf(r.xSearchResults), ...resultsOf(r.xposts)]) {
      const user = str(item.username);
      const id = str(item.postId);
      if (!user || !id) continue;
      const url = `https://x.com/${user}/status/${id}`;
      const snippet = str(item.text)?.replace(/\s+/g, ' ').trim();
      out.push(...citation(url, `@${user}`, snippet));
      lines.push(`\n- [@${user}](${url})`);
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
    for (const card of Array.isArray(mr.cardAttachmentsJson) ? mr.cardAttachmentsJson : []) onCard(card);
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
      if (isObj(r.cardAttachment)) onCard(r.cardAttachment.jsonData);
      if (Array.isArray(r.cardAttachments)) for (const c of r.cardAttachments) if (isObj(c)) onCard(c.jsonData);

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
      return out;
    },
  };
}
