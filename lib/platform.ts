import { getRequestContext } from '@cloudflare/next-on-pages';
export function getPlatform() {
  const ctx = getRequestContext();
  return ctx;
}
