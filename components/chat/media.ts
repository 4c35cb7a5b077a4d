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

type Segment = { type: 'markdown'; text: string } | { type: 'video'; src: string; poster?: string };

/** Cuts `<video src=… poster=…></video>` HTML out of the markdown; everything else stays markdown (raw HTML is never rendered). */
export function splitVideos(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /<video\b([^>]*)>(?:\s*<\/video>)?/gi;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push({ type: 'markdown', text: text.slice(last, m.index) });
    const src = /\bsrc="([^"]*)"/.exec(m[1])?.[1];
    const poster = /\bposter="([^"]*)"/.exec(m[1])?.[1];
    if (src) out.push({ type: 'video', src, poster });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ type: 'markdown', text: text.slice(last) });
  return out;
}
