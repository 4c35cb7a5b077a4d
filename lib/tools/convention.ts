/**
 * @module tools/convention
 * Tool calling is emulated: grok.com has no function-calling API (spec §3.6). The gateway describes the
 * tools and this calling convention in the prompt and parses the answer back. The convention is the one
 * users of the reference gateways know: one `<tool_call>{"name": …, "arguments": {…}}</tool_call>` block
 * per call.
 */

export const TOOL_OPEN = '<tool_call>';
export const TOOL_CLOSE = '</tool_call>';

export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: unknown;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

export function toolCallBlock(name: string, args: unknown): string {
  return `${TOOL_OPEN}${JSON.stringify({ name, arguments: args })}${TOOL_CLOSE}`;
}

/** A tool's schema as text (its depth is bounded where requests are validated, util/json). */
const schemaText = (t: ToolSpec) => JSON.stringify(t.parameters ?? { type: 'object', properties: {} });

/** The instruction prepended to the flattened conversation when tools are offered. */
export function toolPrompt(tools: readonly ToolSpec[], choice: ToolChoice, parallel: boolean): string {
  const list = tools.map((t) => `- ${t.name}${t.description ? `: ${t.description}` : ''}\n  parameters (JSON Schema): ${schemaText(t)}`).join('\n');
  const rule =
    choice === 'required'
      ? 'You MUST call at least one tool in this answer.'
      : typeof choice === 'object'
        ? `You MUST call the tool "${choice.name}" in this answer.`
        : 'Call a tool only when it is needed to answer; otherwise answer normally.';
  return [
    '# Tools',
    'You can call these tools:',
    list,
    '',
    'To call a tool, write exactly one block per call, with arguments as a JSON object matching the schema:',
    `${TOOL_OPEN}{"name": "tool_name", "arguments": {"param": "value"}}${TOOL_CLOSE}`,
    rule,
    parallel ? 'You may call several tools at once, one block each.' : 'Call at most one tool per answer.',
    'After the tool calls, stop and wait: the results will be sent to you in the next message as "tool result" entries. Never invent tool results. Do not put tool-call blocks inside code blocks.',
  ].join('\n');
}
