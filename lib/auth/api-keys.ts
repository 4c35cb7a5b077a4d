/**
 * @module auth/api-keys
 * API keys are 32 random bytes; only their SHA-256 is stored (they are high-entropy, so a slow hash adds
 * nothing). The plaintext is shown once, at creation.
 */
import { randomId, sha256Hex } from '@/lib/crypto';

const API_KEY_PREFIX = 'sk-g2a-';

export async function generateApiKey(): Promise<{ key: string; hash: string; prefix: string }> {
  const key = `${API_KEY_PREFIX}${randomId(32)}`;
  return { key, hash: await hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 4) };
}

export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(`api-key:${key}`);
}

/** `Authorization: Bearer …` or `x-api-key` (Anthropic clients). */
export function apiKeyFromRequest(req: Request): string | undefined {
  const auth = req.headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  return req.headers.get('x-api-key')?.trim() || undefined;
}
