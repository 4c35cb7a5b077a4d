/**
 * @module auth/origin
 * CSRF defence for the admin API: state-changing requests must carry an `Origin` whose host is ours.
 * (SameSite=Strict already keeps the cookie off cross-site requests; this is the second lock.)
 */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSameOrigin(req: Request): boolean {
  if (SAFE.has(req.method)) return true;
  const origin = req.headers.get('origin');
  if (!origin) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const expected = req.headers.get('host') ?? new URL(req.url).host;
  return host === expected;
}
