/** Media the chat may render: only same-origin gateway links under /images/ (http or https). */
export function isAllowedMedia(src: string | undefined): boolean {
  if (!src || typeof window === 'undefined') return false;
  try {
    const url = new URL(src, window.location.origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === window.location.origin && url.pathname.startsWith('/images/');
  } catch {
    return false;
  }
}

export type Segment = { type: 'markdown'; text: string } | { type: 'video'; src: string; poster?: string };

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
