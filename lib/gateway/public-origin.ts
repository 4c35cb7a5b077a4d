/**
 * @module gateway/public-origin
 * The base URL media links are built on: the one the client called, so a phone on the LAN gets links it
 * can open. `public_base_url` wins when set (a CDN or a path the gateway does not see); otherwise the
 * `Host` header the client sent, and `X-Forwarded-Host`/`-Proto` only when `trust_proxy_headers` says a
 * reverse proxy in front sets them (a client could send them too).
 */
import type { Settings } from '@/lib/settings/schema';

/** A host[:port] as it may appear in Host: letters, digits, dots, dashes, an IPv6 literal, a port. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

const firstValue = (v: string | null) => v?.split(',')[0].trim().toLowerCase() || undefined;

export function publicOrigin(req: Request, settings: Pick<Settings, 'public_base_url' | 'trust_proxy_headers'>): string {
  if (settings.public_base_url) return settings.public_base_url.replace(/\/+$/, '');
  const url = new URL(req.url);
  let scheme = url.protocol.slice(0, -1);
  let host = firstValue(req.headers.get('host'));
  if (settings.trust_proxy_headers) {
    const proto = firstValue(req.headers.get('x-forwarded-proto'));
    if (proto === 'http' || proto === 'https') scheme = proto;
    host = firstValue(req.headers.get('x-forwarded-host')) ?? host;
  }
  return host && HOST.test(host) ? `${scheme}://${host}` : url.origin;
}
