import { describe, expect, it } from 'vitest';
import { createCitationBook, inlineMarker, sourceLine } from './citations';

describe('createCitationBook', () => {
  it('announces a source once and numbers inline citations by first inline use', () => {
    const book = createCitationBook();
    expect(book.announce('https://a.example/', 'A')).toEqual([{ type: 'citation', url: 'https://a.example/', title: 'A', snippet: undefined }]);
    expect(book.announce('https://a.example/', 'A again')).toEqual([]);
    expect(book.cite('https://b.example/')).toEqual({ type: 'cite', url: 'https://b.example/', number: 1 });
    expect(book.cite('https://a.example/').number).toBe(2);
    expect(book.cite('https://b.example/').number).toBe(1);
  });

  it('an inline citation reads as a markdown link numbered like the source', () => {
    expect(inlineMarker({ url: 'https://a.example/x', number: 3 })).toBe(' [[3]](https://a.example/x)');
  });
});

describe('sourceLine', () => {
  it('puts the preview in the link title with its double quotes made single', () => {
    expect(sourceLine('https://a.example/', 'A', 'say "hi"')).toBe('\n- [A](https://a.example/ "say \'hi\'")');
    expect(sourceLine('https://x.com/u/status/1', '@u')).toBe('\n- [@u](https://x.com/u/status/1)');
  });
});
