/**
 * @module gateway/messages
 * The conversation as the gateway holds it, whatever wire format it came in (OpenAI chat, Responses,
 * Anthropic Messages): each format's parser converts to this; the prompt builder reads only this.
 */

/** Longer than any model id or alias; caps what an unknown name can put in the request log. */
export const MODEL_MAX = 200;
/** Far beyond any real conversation (Claude Code sessions stay in the hundreds); bounds parsing work. */
export const MAX_MESSAGES = 5000;

type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: string | { url: string; detail?: string } }
  /** Parts the wire formats accept but the gateway does not forward (audio, files). */
  | { type: string; [field: string]: unknown };

export interface ConversationMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | MessagePart[] | null;
  /** A tool result's tool name. */
  name?: string;
  /** Calls an assistant turn made (re-rendered into the prompt in the calling convention). */
  tool_calls?: { id?: string; type?: 'function'; function: { name: string; arguments?: string } }[];
  tool_call_id?: string;
}
