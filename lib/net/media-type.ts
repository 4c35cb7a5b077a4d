/**
 * @module net/media-type
 * Content types of responses fetched from elsewhere. Media the gateway re-serves is served from the
 * dashboard's origin, so a type that a browser would render as a document (HTML, SVG, XML) would run
 * there; only plain image and video types pass.
 */

/** The media type of a Content-Type header: lower case, parameters dropped; '' when absent. */
export function mediaTypeOf(header: string | null | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

const SERVABLE = /^(image|video)\/[a-z0-9][a-z0-9.+-]*$/;

const DEFAULT_MEDIA_TYPE = { image: 'image/jpeg', video: 'video/mp4' } as const;

/** The upstream type when it is a non-scriptable image or video type, else the kind's default. */
export function servableMediaType(header: string | null | undefined, kind: keyof typeof DEFAULT_MEDIA_TYPE): string {
  const type = mediaTypeOf(header);
  return SERVABLE.test(type) && !/svg|xml/.test(type) ? type : DEFAULT_MEDIA_TYPE[kind];
}
