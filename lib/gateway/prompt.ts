/**
 * @module gateway/prompt
 * OpenAI `messages` → the single upstream `message` string plus attachments (spec §3.4, "role-prefix except
 * last user"): every message becomes `<role>: <text>` except the last user message, which is sent bare;
 * messages are joined with a blank line. Image parts become attachments in order.
 */
import type { ConversationMessage } from './messages';
import { toolCallBlock } from '@/lib/tools/convention';
import { parseLooseJson } from '@/lib/tools/repair';

interface FlatPrompt {
  text: string;
  /** Image URLs or data URIs, in message order. */
  attachments: string[];
}

function textOf(message: ConversationMessage, attachments: string[]): string {
  const { content } = message;
  const parts: string[] = [];
  if (typeof content === 'string') {
    if (content.trim()) parts.push(content);
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text' && typeof part.text === 'string' && part.text.trim()) parts.push(part.text);
      else if (part.type === 'image_url') {
        const img = part.image_url as string | { url: string };
        attachments.push(typeof img === 'string' ? img : img.url);
      }
    }
  }
  if (message.role === 'assistant' && message.tool_calls?.length) {
    // Re-rendered in the calling convention, so the model sees its earlier calls the way it wrote them.
    for (const call of message.tool_calls) parts.push(toolCallBlock(call.function.name, parseLooseJson(call.function.arguments ?? '{}') ?? {}));
  }
  return parts.join('\n');
}

export function flattenMessages(messages: readonly ConversationMessage[]): FlatPrompt {
  const attachments: string[] = [];
  const items = messages
    .map((m) => {
      const role = m.role === 'tool' ? `tool result${m.name ? ` [${m.name}]` : ''}${m.tool_call_id ? ` #${m.tool_call_id}` : ''}` : m.role || 'user';
      return { role, isUser: m.role === 'user', text: textOf(m, attachments) };
    })
    .filter((m) => m.text);
  let lastUser = -1;
  items.forEach((m, i) => {
    if (m.isUser) lastUser = i;
  });
  const text = items.map((m, i) => (i === lastUser ? m.text : `${m.role}: ${m.text}`)).join('\n\n');
  return { text: text || (attachments.length ? 'Refer to the following content:' : ''), attachments };
}

/** Rough token estimate for usage reporting: CJK characters count one each, other text about four characters per token. */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  const cjk = text.match(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}
