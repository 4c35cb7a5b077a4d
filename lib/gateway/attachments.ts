/**
 * @module gateway/attachments
 * Client images (https URLs or data URIs) are read once per request and uploaded to each account that
 * serves an attempt (upstream file ids belong to one account). URLs go through `net/outbound` only.
 */
import { GatewayError } from '@/lib/errors';
import { guardedFetch } from '@/lib/net/outbound';
import { base64ToBytes, bytesToBase64 } from '@/lib/encoding';

export interface PreparedFile {
  name: string;
  mimeType: string;
  base64: string;
  size: number;
}

const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const ATTACHMENT_TIMEOUT_MS = 10_000;

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

function named(mimeType: string, i: number) {
  return `image-${i + 1}.${EXT[mimeType]}`;
}

const IMAGE_TYPES: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/webp': 'webp' };

/** Sniffs PNG, JPEG and WebP signatures: a file's declared type is not trusted on its own. */
function sniffImage(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return undefined;
}

/** Chat and edit attachments also take GIF (multipart uploads keep to sniffImage's three). */
function sniffAttachment(bytes: Uint8Array): string | undefined {
  return sniffImage(bytes) ?? (/^GIF8[79]a/.test(String.fromCharCode(...bytes.subarray(0, 6))) ? 'image/gif' : undefined);
}

/** Sniffs the first 12 bytes (every signature sniffAttachment looks at) without decoding the whole URI. */
function sniffBase64(base64: string): string | undefined {
  const head = base64.slice(0, Math.min(16, base64.length - (base64.length % 4)));
  try {
    return sniffAttachment(base64ToBytes(head));
  } catch {
    return undefined;
  }
}

function fromDataUri(data: RegExpExecArray, i: number, param: string): PreparedFile {
  const declared = (data[1] ?? '').toLowerCase();
  if (!Object.hasOwn(EXT, declared)) {
    throw new GatewayError('invalid_request', `Image ${i + 1}: data URIs must be image/png, image/jpeg, image/webp or image/gif`, { param, code: 'invalid_image' });
  }
  if (!data[2]) throw new GatewayError('invalid_request', `Image ${i + 1}: data URIs must be base64-encoded`, { param });
  const base64 = data[3].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new GatewayError('invalid_request', `Image ${i + 1}: invalid base64 data`, { param });
  const size = Math.floor((base64.length * 3) / 4) - (base64.match(/=+$/)?.[0].length ?? 0);
  if (size > MAX_ATTACHMENT_BYTES) throw new GatewayError('payload_too_large', `Image ${i + 1} exceeds ${MAX_ATTACHMENT_BYTES} bytes`, { param });
  const mimeType = sniffBase64(base64);
  if (!mimeType) throw new GatewayError('invalid_request', `Image ${i + 1} is not a PNG, JPEG, WebP or GIF image`, { param, code: 'invalid_image' });
  return { name: named(mimeType, i), mimeType, base64, size };
}

function parseImageUrl(url: string, i: number, param: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GatewayError('invalid_request', `Image ${i + 1}: expected an http(s) URL or a data URI`, { param });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new GatewayError('invalid_request', `Image ${i + 1}: only http(s) URLs and data URIs are supported`, { param });
  }
  return parsed;
}

async function download(url: URL, i: number, param: string, fetchImpl: typeof fetch, signal?: AbortSignal): Promise<PreparedFile> {
  const failure = { label: `Image ${i + 1}`, param, code: 'image_fetch_failed' };
  const { bytes } = await guardedFetch(url, { fetchImpl, signal, maxBytes: MAX_ATTACHMENT_BYTES, timeoutMs: ATTACHMENT_TIMEOUT_MS, ...failure });
  // The served Content-Type is the remote's claim; the bytes decide. Not-an-image gets the same text as
  // every other failure, or the answer would say that a host was reached.
  const mimeType = sniffAttachment(bytes);
  if (!mimeType) throw new GatewayError('invalid_request', `${failure.label} could not be fetched`, failure);
  return { name: named(mimeType, i), mimeType, base64: bytesToBase64(bytes), size: bytes.byteLength };
}

/**
 * Reads every client image: data URIs (PNG, JPEG, WebP, GIF by content) and http(s) URLs through the
 * outbound guard. `signal` ends the downloads early (client gone).
 */
export async function prepareAttachments(urls: string[], fetchImpl: typeof fetch, param = 'messages', signal?: AbortSignal): Promise<PreparedFile[]> {
  if (urls.length > MAX_ATTACHMENTS) {
    throw new GatewayError('invalid_request', `At most ${MAX_ATTACHMENTS} images per request`, { param });
  }
  return Promise.all(
    urls.map(async (url, i) => {
      const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
      if (data) return fromDataUri(data, i, param);
      return download(parseImageUrl(url, i, param), i, param, fetchImpl, signal);
    }),
  );
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
