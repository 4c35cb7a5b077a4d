/**
 * @module gateway/attachments
 * Client images (https URLs or data URIs) are read once per request and uploaded to each account that
 * serves an attempt (upstream file ids belong to one account).
 */
import { GatewayError } from '@/lib/errors';
import { bytesToBase64 } from '@/lib/util/encoding';
import { readAtMost } from '@/lib/util/stream';

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
      const bytes = await readAtMost(res.body, MAX_ATTACHMENT_BYTES);
      if (!bytes) throw new GatewayError('payload_too_large', `Image ${i + 1} is larger than ${MAX_ATTACHMENT_BYTES} bytes`, { param });
      const type = res.headers.get('content-type')?.split(';')[0].trim().toLowerCase() ?? '';
      const mimeType = type.startsWith('image/') ? type : 'image/jpeg';
      return { name: named(mimeType, i), mimeType, base64: bytesToBase64(bytes), size: bytes.byteLength };
    }),
  );
}

const IMAGE_TYPES: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/webp': 'webp' };

/** Sniffs PNG, JPEG and WebP signatures: a file's declared type is not trusted on its own. */
function sniffImage(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Validates multipart image files (type by content, size) before anything goes upstream. */
export async function readImageUploads(entries: (File | string)[], maxBytes: number, param: string): Promise<PreparedFile[]> {
  const files = entries.filter((e): e is File => typeof e !== 'string');
  if (!files.length) throw new GatewayError('invalid_request', `${param} is required (one or more image files)`, { param });
  if (files.length > 16) throw new GatewayError('invalid_request', 'At most 16 images per request', { param });
  return Promise.all(
    files.map(async (file, i) => {
      if (file.size > maxBytes) throw new GatewayError('payload_too_large', `${param} ${i + 1} ("${file.name}") exceeds ${Math.round(maxBytes / 1048576)} MB`, { param });
      const bytes = new Uint8Array(await file.arrayBuffer());
      const mimeType = sniffImage(bytes);
      if (!mimeType) {
        throw new GatewayError('invalid_request', `${param} ${i + 1} ("${file.name}") is not a PNG, JPEG or WebP image`, { param, code: 'invalid_image' });
      }
      return { name: `image-${i + 1}.${IMAGE_TYPES[mimeType]}`, mimeType, base64: bytesToBase64(bytes), size: bytes.byteLength };
    }),
  );
}
