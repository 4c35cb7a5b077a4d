/** Splits an assistant message for display: `<think>…</think>` (think_tags mode) joins the reasoning. */
export function splitThink(content: string): { reasoning: string; answer: string; thinking: boolean } {
  const start = content.indexOf('<think>');
  if (start === -1) return { reasoning: '', answer: content, thinking: false };
  const end = content.indexOf('</think>', start);
  if (end === -1) return { reasoning: content.slice(start + 7).trim(), answer: content.slice(0, start), thinking: true };
  return { reasoning: content.slice(start + 7, end).trim(), answer: (content.slice(0, start) + content.slice(end + 8)).trim(), thinking: false };
}

/** The answer text that goes back to the model in the next turn (no reasoning). */
export function answerOf(content: string): string {
  return splitThink(content).answer;
}
