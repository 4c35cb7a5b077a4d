/** @module http/read-body — reading a byte stream into memory with a size cap. */

/** The whole stream as one buffer, or undefined (and the stream cancelled) once it exceeds `limit` bytes. */
export function readAtMost(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  return readRequestBody(stream, limit, limit);
}

/**
 * A request body up to `limit` bytes, or undefined when it is larger. The rest of an oversized body (up to
 * `drainUpTo` bytes in all) is read and dropped first: answering 413 while the client is still sending makes
 * the connection reset under it, so the client would see a network error instead of the 413.
 */
export async function readRequestBody(body: ReadableStream<Uint8Array> | null, limit: number, drainUpTo = 2 * limit): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > drainUpTo) {
      await reader.cancel();
      return undefined;
    }
    if (size <= limit) parts.push(value);
    else parts.length = 0;
  }
  if (size > limit) return undefined;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
