/**
 * @module http/body
 * Request bodies in, for every route (API and admin): JSON read under a size cap, then checked by a zod schema
 * whose first issue becomes a 400 naming the field.
 */
import type { z } from 'zod';
import { GatewayError } from '@/lib/errors';
import { readRequestBody } from './read-body';

/** Parses a body with a schema, turning the first zod issue into a 400 with `param`. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const param = issue.path.length ? issue.path.map(String).join('.').replace(/\.(\d+)/g, '[$1]') : null;
  const where = param ? `${param}: ` : '';
  throw new GatewayError('invalid_request', `${where}${issue.message}`, { param });
}

/** Reads a JSON body; malformed JSON is the client's mistake (400), never a 500. */
export async function readJsonBody(req: Request, opts: { maxBytes?: number; whenEmpty?: unknown } = {}): Promise<unknown> {
  const maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  // Counted while reading: a chunked body has no Content-Length to check up front.
  const bytes = await readRequestBody(req.body, maxBytes);
  if (!bytes) throw new GatewayError('payload_too_large', `request body exceeds ${maxBytes} bytes`);
  // For routes whose body is optional: no bytes at all (whitespace is malformed JSON, not "no body").
  if (!bytes.byteLength && opts.whenEmpty !== undefined) return opts.whenEmpty;
  const text = new TextDecoder().decode(bytes);
  if (!text.trim()) throw new GatewayError('invalid_json', 'request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('invalid_json', 'request body is not valid JSON');
  }
}
