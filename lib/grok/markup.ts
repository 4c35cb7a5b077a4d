/**
 * @module grok/markup
 * Markup embedded in upstream tokens (spec §5.4): tool-usage cards in thinking, `<grok:render>` placeholders
 * and artifacts in answers. Tags can be split across tokens, so text is held back while a tag is open and
 * released once it is complete. Raw markup never reaches a client.
 */

const OPENERS = ['<xai:tool_usage_card', '<grok:render', '<xaiartifact', '</xaiartifact'];
const CLOSERS: Record<string, string> = {
  '<xai:tool_usage_card': '</xai:tool_usage_card>',
  '<grok:render': '</grok:render>',
  '<xaiartifact': '>',
  '</xaiartifact': '>',
};
/** Held text never grows past this: a tag that long is not markup we understand, so it is released as text. */
const MAX_HOLD = 64 * 1024;

/** How a tool-usage card reads as text. */
type ToolCardRenderer = (name: string, args: Record<string, unknown>) => string;

/** A `<grok:render>` placeholder: the caller knows the cards it refers to. */
interface RenderTag {
  cardId: string;
  type: string;
}

/** Released text, with each complete `<grok:render>` left in place as a tag. */
export type MarkupPiece = string | RenderTag;

function parseToolCard(xml: string): { name: string; args: Record<string, unknown> } {
  const name = /<xai:tool_name>([\s\S]*?)<\/xai:tool_name>/.exec(xml)?.[1]?.trim() ?? 'tool';
  let rawArgs = /<xai:tool_args>([\s\S]*?)<\/xai:tool_args>/.exec(xml)?.[1]?.trim() ?? '';
  rawArgs = rawArgs.replace(/^<!\[CDATA\[/, '').replace(/\]\]>$/, '');
  try {
    const parsed: unknown = JSON.parse(rawArgs);
    return { name, args: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {} };
  } catch {
    return { name, args: {} };
  }
}

/**
 * Converts complete markup in `text` into `pieces`; returns what must wait for more tokens. A token
 * without markup (the common case) becomes one piece, itself.
 */
function convert(text: string, toolCard: ToolCardRenderer, pieces: MarkupPiece[]): string {
  if (!text.includes('<')) {
    if (text) pieces.push(text);
    return '';
  }
  let out = '';
  let i = 0;
  const release = () => {
    if (out) pieces.push(out);
    out = '';
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, lt);
    const rest = text.slice(lt);
    const opener = OPENERS.find((o) => rest.startsWith(o));
    if (!opener) {
      // A trailing fragment like "<grok:re" may become an opener with the next token.
      if (OPENERS.some((o) => o.startsWith(rest))) {
        release();
        return rest;
      }
      out += '<';
      i = lt + 1;
      continue;
    }
    const closer = CLOSERS[opener];
    const end = rest.indexOf(closer, opener.length);
    if (end === -1) {
      release();
      return rest;
    }
    const tag = rest.slice(0, end + closer.length);
    if (opener === '<xai:tool_usage_card') {
      const { name, args } = parseToolCard(tag);
      out += toolCard(name, args);
    } else if (opener === '<grok:render') {
      release();
      const cardId = /card_id="([^"]*)"/.exec(tag)?.[1] ?? '';
      const type = /\btype="([^"]*)"/.exec(tag.replace(/card_type="[^"]*"/, ''))?.[1] ?? '';
      pieces.push({ cardId, type });
    }
    // Artifact tags are dropped; their inner text is ordinary content and stays.
    i = lt + tag.length;
  }
  release();
  return '';
}

/** One buffer per channel (thinking, answer). */
export function createMarkupBuffer(toolCard: ToolCardRenderer) {
  let held = '';
  return {
    /** The pieces `token` completes (often none, or the token itself). */
    push(token: string): MarkupPiece[] {
      const pieces: MarkupPiece[] = [];
      const rest = convert(held + token, toolCard, pieces);
      if (rest.length > MAX_HOLD) {
        held = '';
        pieces.push(rest);
        return pieces;
      }
      held = rest;
      return pieces;
    },
    /** End of stream: whatever is still held is not valid markup; drop an unfinished tag. */
    flush(): string {
      const rest = held;
      held = '';
      return OPENERS.some((o) => rest.startsWith(o)) ? '' : rest;
    },
  };
}

/**
 * A link the upstream gives us (citation, search result) as it may appear in markdown sent to clients: only
 * http(s), and without characters that would end the markdown link early. Anything else is dropped.
 */
export function webLink(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^https?:\/\//i.test(v) || /[\s()<>"]/.test(v)) return undefined;
  return v;
}
