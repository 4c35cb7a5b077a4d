/**
 * @module grok/citations
 * The sources of one answer, for every upstream protocol (REST frames and the chat gateway): each source is
 * announced once (a `citation` event), inline references (`cite` events, placed where the answer cites them)
 * are numbered in the order sources are first cited, and search results are listed in the thinking as markdown.
 * Encoders render a `cite` (`inlineMarker` for text answers); nobody parses it back out of text.
 */
import type { GrokEvent } from './events';

export function createCitationBook() {
  const announced = new Set<string>();
  const cited: string[] = [];
  return {
    /** The `citation` event for a source not announced before; nothing for a repeat. */
    announce(url: string, title?: string, snippet?: string): GrokEvent[] {
      if (announced.has(url)) return [];
      announced.add(url);
      return [{ type: 'citation', url, title, snippet }];
    },
    /** An inline reference to `url`, numbered by the order sources were first cited inline. */
    cite(url: string): Extract<GrokEvent, { type: 'cite' }> {
      let number = cited.indexOf(url) + 1;
      if (number === 0) number = cited.push(url);
      return { type: 'cite', url, number };
    },
  };
}

/** How an inline reference reads in a text answer: ` [[n]](url)`. */
export const inlineMarker = (cite: { url: string; number: number }) => ` [[${cite.number}]](${cite.url})`;

/** One search result as a markdown list line, the preview (if any) as the link's title. */
export const sourceLine = (url: string, title: string, preview?: string) => `\n- [${title}](${url}${preview ? ` "${preview.replace(/"/g, "'")}"` : ''})`;
