/**
 * @module grok/citations
 * The sources of one answer, for every upstream protocol (REST frames and the chat gateway): each source is
 * announced once (a `citation` event), inline markers are numbered in the order sources are first cited, and
 * search results are listed in the thinking as markdown.
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
    /** The inline marker ` [[n]](url)`, n counting sources in the order they were first cited inline. */
    marker(url: string): string {
      let n = cited.indexOf(url) + 1;
      if (n === 0) n = cited.push(url);
      return ` [[${n}]](${url})`;
    },
  };
}

/** One search result as a markdown list line, the preview (if any) as the link's title. */
export const sourceLine = (url: string, title: string, preview?: string) => `\n- [${title}](${url}${preview ? ` "${preview.replace(/"/g, "'")}"` : ''})`;
