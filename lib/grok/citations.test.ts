import { describe, expect, it } from 'vitest';
import { createCitationBook, sourceLine } from './citations';

describe('createCitationBook', () => {
  it('announces a source once and numbers inline markers by first inline use', () => {
    const book = createCitationBook();
    expect(book.announce('https://a.example/', 'A')).toEqual([{ type: 'citation', url: 'https://a.example/', title: 'A', snippet: undefined }]);
    expect(book.announce('https://a.example/', 'A again')).toEqual([]);
    expect(book.marker('https://b.example/')).toBe(' [[1]](https://b.example/)');
    expect(book.marker('https://a.example/')).toBe(' [[2]](https://a.example/)');
    expect(book.marker('https://b.example/')).toBe(' [[1]](https://b.example/)');
  });
});

describe('sourceLine', () => {
  it('puts the preview in the link title with its double quotes made single', () => {
    expect(sourceLine('https://a.example/', 'A', 'say "hi"')).toBe('\n- [A](https://a.example/ "say \'hi\'")');
    expect(sourceLine('https://x.com/u/status/1', '@u')).toBe('\n- [@u](https://x.com/u/status/1)');
  });
});
