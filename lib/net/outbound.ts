/**
 * @module net/outbound
 * The one way to fetch a URL a client chose. The gateway's own network position (loopback, the private LAN
 * of a self-hosted workerd, cloud metadata) must never be reachable through it, and its answers must not
 * tell a caller which hosts exist: every failure is the same `GatewayError`.
 *
 * Host checks are on the literal host only (workerd has no DNS API): a public name that resolves to a
 * private address is not caught here.
 *
 * @example
 * const { bytes, contentType } = await guardedFetch(url, { fetchImpl: platform.fetch, maxBytes: 1 << 20, label: 'Image 1', param: 'image_url' });
 */
import { GatewayError } from '@/lib/errors';
import { readAtMost } from '@/lib/http/read-body';
import { mediaTypeOf } from './media-type';

// ---------------------------------------------------------------------------------------------- IPv4

type Cidr4 = readonly [base: string, bits: number];

/** RFC 6890 special-purpose blocks plus multicast and reserved: none is a place a client may send us. */
const NON_PUBLIC_V4: readonly Cidr4[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

function ipv4Part(part: string): number | undefined {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return undefined;
}

/**
 * The address as an unsigned 32-bit number, accepting every form inet_aton and WHATWG URL accept
 * (`127.1`, `2130706433`, `0x7f.1`, `0177.0.0.1`): a URL library that skipped normalising must not
 * turn one of them into a bypass.
 */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const nums = parts.map(ipv4Part);
  if (nums.some((n) => n === undefined || !Number.isFinite(n))) return undefined;
  const values = nums as number[];
  const last = values.pop()!;
  if (values.some((n) => n > 255) || last >= 256 ** (4 - values.length)) return undefined;
  return values.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last;
}

/** WHATWG's "ends in a number": such a host is an IPv4 address or invalid, never a domain name. */
function looksNumeric(host: string): boolean {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const last = parts[parts.length - 1] ?? '';
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/.test(last);
}

function inCidr4(addr: number, [base, bits]: Cidr4): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((addr & mask) >>> 0) === ((parseIPv4(base)! & mask) >>> 0);
}

function isPublicIPv4(addr: number): boolean {
  return addr !== 0xffffffff && !NON_PUBLIC_V4.some((cidr) => inCidr4(addr, cidr));
}

// ---------------------------------------------------------------------------------------------- IPv6

/** Eight 16-bit groups. */
type Ipv6 = readonly number[];
type Cidr6 = readonly [base: string, bits: number];

/** Special blocks inside 2000::/3, the only range IANA hands out as global unicast. */
const NON_PUBLIC_GLOBAL_V6: readonly Cidr6[] = [
  ['2001::', 32], // Teredo: tunnels to an address we cannot see
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
];

/** Prefixes whose low 32 bits are an IPv4 address that is reached instead (mapped, compatible, NAT64). */
const EMBEDS_V4_LOW: readonly Cidr6[] = [
  ['::', 96],
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
];

function dottedTailToHex(text: string): string | undefined {
  const colon = text.lastIndexOf(':');
  const tail = text.slice(colon + 1);
  if (!tail.includes('.')) return text;
  // Strict dotted decimal, as inet_pton and WHATWG want it here: no octal or hex inside IPv6.
  if (!/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(tail)) return undefined;
  const v4 = parseIPv4(tail);
  if (v4 === undefined) return undefined;
  return `${text.slice(0, colon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
}

function hexGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups.map((g) => parseInt(g, 16)) : undefined;
}

/** Parses an IPv6 literal (no brackets, no zone), including a dotted IPv4 tail, into eight groups. */
export function parseIPv6(input: string): Ipv6 | undefined {
  const text = dottedTailToHex(input.toLowerCase());
  if (text === undefined) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0]);
  const tail = halves.length === 2 ? hexGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined;
}

function inCidr6(addr: Ipv6, [base, bits]: Cidr6): boolean {
  const net = parseIPv6(base)!;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((addr[i] & mask) !== (net[i] & mask)) return false;
  }
  return true;
}

function embeddedIPv4(addr: Ipv6): number | undefined {
  if (EMBEDS_V4_LOW.some((cidr) => inCidr6(addr, cidr))) return addr[6] * 0x10000 + addr[7];
  // 6to4 (2002::/16) carries the relay's IPv4 address in groups 1 and 2.
  if (addr[0] === 0x2002) return addr[1] * 0x10000 + addr[2];
  return undefined;
}

/**
 * Only 2000::/3 minus its special blocks; that leaves out ::, ::1, fc00::/7, fe80::/10, fec0::/10, ff00::/8
 * and anything IANA has not allocated. Addresses that embed IPv4 are judged by that IPv4 address.
 */
function isPublicIPv6(addr: Ipv6): boolean {
  const v4 = embeddedIPv4(addr);
  if (v4 !== undefined) return isPublicIPv4(v4);
  return inCidr6(addr, ['2000::', 3]) && !NON_PUBLIC_GLOBAL_V6.some((cidr) => inCidr6(addr, cidr));
}

// ---------------------------------------------------------------------------------------------- names

/** Names that resolve inside the network the gateway runs in (RFC 6761, 6762, 8375, cloud metadata). */
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'localdomain', 'home.arpa', 'lan', 'intranet', 'corp', 'test', 'invalid'];

function isPublicName(name: string): boolean {
  const labels = name.split('.');
  // A dotless name is completed by the resolver's search domains, i.e. it is a LAN name.
  if (labels.length < 2) return false;
  if (!labels.every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) return false;
  return !PRIVATE_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`));
}

/**
 * Whether a URL's hostname (as `URL.hostname` gives it: IPv6 in brackets) is a public address or name.
 * Resolve-free: judges the literal only. Anything unusual is refused rather than guessed at.
 */
export function isPublicHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (!host || host.length > 253) return false;
  if (host.startsWith('[') || host.includes(':')) {
    const inner = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    const addr = inner.includes('%') ? undefined : parseIPv6(inner);
    return addr !== undefined && isPublicIPv6(addr);
  }
  if (looksNumeric(host)) {
    const addr = parseIPv4(host);
    return addr !== undefined && isPublicIPv4(addr);
  }
  return isPublicName(host);
}

/** An http(s) URL to a public host. */
export function isFetchableUrl(url: URL): boolean {
  return (url.protocol === 'https:' || url.protocol === 'http:') && isPublicHost(url.hostname);
}

// ---------------------------------------------------------------------------------------------- fetch

export interface GuardedFetchOptions {
  fetchImpl: typeof fetch;
  maxBytes: number;
  /** Whole exchange, every hop and the body included. */
  timeoutMs?: number;
  maxRedirects?: number;
  /** Judges the response's media type (lower case, no parameters; '' when absent). */
  accept?: (contentType: string) => boolean;
  signal?: AbortSignal;
  /** Names the thing in the one failure text: `${label} could not be fetched`. */
  label?: string;
  param?: string;
  code?: string;
}

interface FetchedBody {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Why a fetch failed; kept as the client error's `cause` for logs, never in its message. */
class OutboundRefusal extends Error {
  override name = 'OutboundRefusal';
}

function refuse(reason: string): never {
  throw new OutboundRefusal(reason);
}

function targetOf(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    refuse('redirect location is not a URL');
  }
  if (!isFetchableUrl(next)) refuse('redirect to a refused URL');
  return next;
}

/** Resolves with `work`, or rejects as soon as `signal` aborts (a stalled body read included). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function deadline(timeoutMs: number, outer?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new OutboundRefusal('timed out')), timeoutMs);
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** Why a final (non-redirect) answer is not taken, judged on its headers alone. */
function refusalOf(res: Response, contentType: string, o: GuardedFetchOptions): string | undefined {
  // An opaque redirect (status 0) is what a browser-style fetch makes of `manual`.
  if (!res.ok) return `answered HTTP ${res.status}`;
  if (o.accept && !o.accept(contentType)) return `content type ${contentType || '(none)'} not accepted`;
  if (Number(res.headers.get('content-length')) > o.maxBytes) return 'declared length over the limit';
  return undefined;
}

async function bodyOf(res: Response, o: GuardedFetchOptions, signal: AbortSignal): Promise<FetchedBody> {
  const contentType = mediaTypeOf(res.headers.get('content-type'));
  const reason = refusalOf(res, contentType, o);
  if (reason) {
    await discard(res);
    refuse(reason);
  }
  const bytes = await untilAborted(readAtMost(res.body, o.maxBytes), signal);
  return bytes ? { bytes, contentType } : refuse('body over the limit');
}

async function fetchFollowingSafely(start: URL, o: GuardedFetchOptions, signal: AbortSignal): Promise<FetchedBody> {
  if (!isFetchableUrl(start)) refuse('refused URL');
  // Called unbound: workerd's fetch throws "Illegal invocation" when `this` is the options object.
  const { fetchImpl } = o;
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await untilAborted(fetchImpl(url.href, { redirect: 'manual', signal }), signal);
    if (!REDIRECTS.has(res.status)) return bodyOf(res, o, signal);
    await discard(res);
    if (hop >= (o.maxRedirects ?? DEFAULT_MAX_REDIRECTS)) refuse('too many redirects');
    url = targetOf(res.headers.get('location') ?? refuse('redirect without a location'), url);
  }
}

/**
 * Fetches a client-chosen URL: public hosts only, every redirect hop re-checked, bounded in time and size.
 * Any failure (refused host, network error, timeout, non-2xx, too large, caller abort) is the same
 * `invalid_request` error, so the answer cannot be used to probe the network.
 */
export async function guardedFetch(url: string | URL, o: GuardedFetchOptions): Promise<FetchedBody> {
  const { signal, dispose } = deadline(o.timeoutMs ?? DEFAULT_TIMEOUT_MS, o.signal);
  try {
    const start = typeof url === 'string' ? new URL(url) : url;
    return await fetchFollowingSafely(start, o, signal);
  } catch (cause) {
    throw new GatewayError('invalid_request', `${o.label ?? 'The URL'} could not be fetched`, {
      param: o.param,
      code: o.code ?? 'url_fetch_failed',
      cause,
    });
  } finally {
    dispose();
  }
}
