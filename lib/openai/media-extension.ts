/**
 * @module openai/media-extension
 * The gateway's own extension of Chat Completions, for its dashboard and /chat: with the request header
 * below, generated media arrive as typed fields of the delta (`media`, `media_progress`) and of the
 * non-stream message (`media`), instead of markdown / HTML in the answer and progress lines in the
 * reasoning. Shared by the encoder and the browser chat, so both read one definition.
 */

export const MEDIA_EVENTS_HEADER = 'x-grok2api-media';
export const MEDIA_EVENTS_VALUE = 'events';

/** A finished image or video: signed gateway links. */
export interface ChatMedia {
  type: 'image' | 'video';
  url: string;
  poster_url?: string;
}

/** Generation progress of one item (images by index; one video per answer has index 0). */
export interface ChatMediaProgress {
  type: 'image' | 'video';
  index: number;
  /** 0–100. */
  progress: number;
  status: 'running' | 'failed' | 'moderated';
}
