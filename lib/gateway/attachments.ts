/**
 * @module gateway/attachments
 * Client images (https URLs or data URIs) are read once per request and uploaded to each account that
 * serves an attempt (upstream file ids belong to one account).
 */
import { GatewayError } from '@/lib/errors';
import { bytesToBase64 } from '@/lib/util/encoding';

export interface PreparedFile {
  name: string;
  mimeType: string;
  base64: string;
  size: number;
}

export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

function named(mimeType: string, i: number) {
  return `image-${i + 1}.${EXT[mimeType] ?? mimeType.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin'}`;
}

async function readLimited(res: Response, limit: number): Promise<Uint8Array> {
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`larger than ${limit} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

export async function prepareAttachments(urls: string[], fetchImpl: typeof fetch, param = 'messages'): Promise<PreparedFile[]> {
  if (urls.length > MAX_ATTACHMENTS) {
    throw new GatewayError('invalid_request', `At most ${MAX_ATTACHMENTS} images per request`, { param });
  }
  return Promise.all(
    urls.map(async (url, i) => {
      const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
      if (data) {
        const mimeType = (data[1] || 'application/octet-stream').toLowerCase();
        if (!data[2]) throw new GatewayError('invalid_request', `Image ${i + 1}: data URIs must be base64-encoded`, { param });
        const base64 = data[3].replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new GatewayError('invalid_request', `Image ${i + 1}: invalid base64 data`, { param });
        const size = Math.floor((base64.length * 3) / 4);
        if (size > MAX_ATTACHMENT_BYTES) throw new GatewayError('payload_too_large', `Image ${i + 1} exceeds ${MAX_ATTACHMENT_BYTES} bytes`, { param });
        return { name: named(mimeType, i), mimeType, base64, size };
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new GatewayError('invalid_request', `Image ${i + 1}: expected an http(s) URL or a data URI`, { param });
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new GatewayError('invalid_request', `Image ${i + 1}: only http(s) URLs and data URIs are supported`, { param });
      }
      let res: Response;
      try {
        res = await fetchImpl(parsed, { redirect: 'follow' });
      } catch {
        throw new GatewayError('invalid_request', `Image ${i + 1}: could not download ${parsed.origin}`, { param });
      }
      if (!res.ok) throw new GatewayError('invalid_request', `Image ${i + 1}: download answered HTTP ${res.status}`, { param });
      let bytes: Uint8Array;
      try {
        bytes = await readLimited(res, MAX_ATTACHMENT_BYTES);
      } catch (e) {
        throw new GatewayError('payload_too_large', `Image ${i + 1}: ${(e as Error).message}`, { param });
      }
      const type = res.headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? '';
      const mimeType = type.startsWith('image/') ? type : 'image/jpeg';
      return { name: named(mimeType, i), mimeType, base64: bytesToBase64(bytes), size: bytes.byteLength };
    }),
  );
}
