/**
 * Reads an OpenAI-style SSE body: `data: {json}` lines, `: ping` comments, an optional
 * `data: {"error":…}` frame, then `data: [DONE]`. Bytes are decoded across chunk borders.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (true) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r?\n/);
      buffer = done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (!line.startsWith('data:')) continue; // blank separators and `: ping` comments
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        if (!data) continue;
        try {
          yield JSON.parse(data);
        } catch {
          /* a malformed frame is skipped, not fatal */
        }
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
