import { describe, expect, it } from 'vitest';
import { mediaTypeOf, servableMediaType } from './media-type';

describe('mediaTypeOf', () => {
  it('drops parameters and case', () => {
    expect(mediaTypeOf('Image/PNG; charset=binary')).toBe('image/png');
    expect(mediaTypeOf(null)).toBe('');
    expect(mediaTypeOf('  video/mp4 ')).toBe('video/mp4');
  });
});

describe('servableMediaType', () => {
  it.each([
    ['image/png', 'image', 'image/png'],
    ['image/webp; q=1', 'image', 'image/webp'],
    ['video/mp4', 'video', 'video/mp4'],
    ['video/webm', 'image', 'video/webm'],
    ['image/avif', 'video', 'image/avif'],
  ] as const)('passes %s', (header, kind, type) => {
    expect(servableMediaType(header, kind)).toBe(type);
  });

  it.each([
    ['text/html', 'image', 'image/jpeg'],
    ['image/svg+xml', 'image', 'image/jpeg'],
    ['IMAGE/SVG+XML; charset=utf-8', 'image', 'image/jpeg'],
    ['image/svg', 'image', 'image/jpeg'],
    ['application/xhtml+xml', 'video', 'video/mp4'],
    ['application/octet-stream', 'video', 'video/mp4'],
    ['text/xml', 'image', 'image/jpeg'],
    ['image/', 'image', 'image/jpeg'],
    ['image/png, text/html', 'image', 'image/jpeg'],
    [null, 'video', 'video/mp4'],
    ['', 'image', 'image/jpeg'],
  ] as const)('replaces %j with the kind default', (header, kind, type) => {
    expect(servableMediaType(header, kind)).toBe(type);
  });
});
