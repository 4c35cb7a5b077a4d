/**
 * @module gateway/failure-errors
 * What the client sees when a request ran out of accounts to try: the last upstream failure as a gateway error.
 */
import type { UpstreamFailure } from '@/lib/grok/errors';
import { GatewayError } from '@/lib/errors';

/** Maps the last failure of an exhausted request to what the client sees (spec §7, DESIGN §3). */
export function failureToError(f: UpstreamFailure, retryAfter?: number): GatewayError {
  switch (f.kind) {
    case 'rate_limited':
      return new GatewayError('upstream_rate_limited', `Upstream rate limit reached (${f.message})`, { retryAfter: f.retryAfterSeconds ?? retryAfter ?? 60 });
    case 'challenge':
    case 'anti_bot':
      return new GatewayError('upstream_challenge', `grok.com refused this server's connection (${f.kind === 'challenge' ? 'Cloudflare challenge' : 'anti-bot check'}); the accounts are fine — see README → Troubleshooting`, { retryAfter: 30 });
    case 'moderated':
      return new GatewayError('content_policy', `The request was rejected by upstream content moderation`);
    case 'timeout':
      return new GatewayError('upstream_timeout', f.message);
    case 'auth':
    case 'blocked':
      return new GatewayError('upstream_error', `Every account tried was rejected by grok.com (${f.message})`, { code: 'upstream_auth_failed' });
    default:
      return new GatewayError('upstream_error', f.message);
  }
}

