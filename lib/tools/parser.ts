/**
 * @module tools/parser
 * A streaming parser for tool-call blocks in answer text. Prose streams through immediately; only a
 * possible `<tool_call>` opening and the block itself are held back. A block inside a fenced code block is
 * prose, not a call. A block naming an unknown tool, or whose JSON cannot be repaired, is released as text.
 */
import { TOOL_CLOSE, TOOL_OPEN } from './convention';
import { parseLooseJson } from './repair';

export type ParsedPiece = { type: 'text'; text: string } | { type: 'tool_call'; name: string; arguments: string };

const MAX_BLOCK = 256 * 1024;

export function createToolCallParser(toolNames: readonly string[]) {
  const names = new Set(toolNames);
  let pending = '';
  let inBlock = false;
  /** Fence state of the text released so far: an odd number of ``` means we are inside code. */
  let fences = 0;
  let lineStart = true;

  const release = (text: string, out: ParsedPiece[]) => {
    if (!text) return;
    // Count ``` fences that start a line (the usual markdown form).
    for (let i = 0; i < text.length; i++) {
      if (lineStart && text.startsWith('```', i)) {
        fences++;
        i += 2;
      }
      lineStart = text[i] === '\n' ? true : lineStart && /[ \t]/.test(text[i]);
    }
    const last = out[out.length - 1];
    if (last?.type === 'text') last.text += text;
    else out.push({ type: 'text', text });
  };

  const finishBlock = (body: string, raw: string, out: ParsedPiece[]) => {
    const parsed = parseLooseJson(body) as { name?: unknown; arguments?: unknown; parameters?: unknown } | undefined;
    const name = parsed && typeof parsed === 'object' && typeof parsed.name === 'string' ? parsed.name : undefined;
    if (!name || !names.has(name)) return release(raw, out);
    let args = parsed!.arguments ?? parsed!.parameters ?? {};
    if (typeof args === 'string') args = parseLooseJson(args) ?? {};
    out.push({ type: 'tool_call', name, arguments: JSON.stringify(args) });
  };

  const step = (out: ParsedPiece[]) => {
    for (;;) {
      if (inBlock) {
        const end = pending.indexOf(TOOL_CLOSE);
        if (end === -1) {
          if (pending.length > MAX_BLOCK) {
            release(TOOL_OPEN + pending, out);
            pending = '';
            inBlock = false;
          }
          return;
        }
        finishBlock(pending.slice(0, end), TOOL_OPEN + pending.slice(0, end + TOOL_CLOSE.length), out);
        pending = pending.slice(end + TOOL_CLOSE.length);
        inBlock = false;
        continue;
      }
      const open = pending.indexOf(TOOL_OPEN);
      if (open !== -1) {
        release(pending.slice(0, open), out);
        pending = pending.slice(open + TOOL_OPEN.length);
        if (fences % 2 === 1) {
          // Inside a code block: the tag is an example, not a call.
          release(TOOL_OPEN, out);
          continue;
        }
        inBlock = true;
        continue;
      }
      // Hold back a tail that could be the start of "<tool_call>".
      let keep = 0;
      for (let k = Math.min(TOOL_OPEN.length - 1, pending.length); k > 0; k--) {
        if (TOOL_OPEN.startsWith(pending.slice(-k))) {
          keep = k;
          break;
        }
      }
      release(pending.slice(0, pending.length - keep), out);
      pending = pending.slice(pending.length - keep);
      return;
    }
  };

  return {
    push(text: string): ParsedPiece[] {
      const out: ParsedPiece[] = [];
      pending += text;
      step(out);
      return out;
    },
    /** Text is held back (a possible opening, or an open block): anything emitted beside it would overtake it. */
    get holding() {
      return inBlock || pending.length > 0;
    },
    end(): ParsedPiece[] {
      const out: ParsedPiece[] = [];
      if (inBlock) {
        // An unclosed block at the end: accept it if it parses (models sometimes forget the closing tag).
        finishBlock(pending, TOOL_OPEN + pending, out);
      } else release(pending, out);
      pending = '';
      inBlock = false;
      return out;
    },
  };
}
