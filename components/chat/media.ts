/**
 * Media the chat may render: only gateway links under /images/ (http or https), always loaded from this
 * page's own origin. The gateway signs absolute URLs with the origin it saw (behind a proxy or under
 * `wrangler dev` that can be another host name for the same deployment), so the path and signature are
 * kept and the origin is replaced: nothing outside this site is ever loaded.
 */
export function mediaSrc(src: string | undefined): string | undefined {
  if (!src || typeof window === 'undefined') return undefined;
  try {
    const url = new URL(src, window.location.origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.pathname.startsWith('/images/')) return undefined;
    return `${window.location.origin}${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}
