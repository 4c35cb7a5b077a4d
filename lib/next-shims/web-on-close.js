// Replaces Next's `web-on-close` for edge route handlers only (next.config.mjs). Next pipes every route
// handler's response body through an identity TransformStream just to learn when it was consumed (for
// `after()`, which this app does not use). On workerd that JS hop costs a stream turn per chunk and,
// under keep-alive load, makes the runtime reset client connections after streamed answers (measured with
// `npm run bench` and a keep-alive client; see docs/PERFORMANCE.md). The body goes to the runtime as it is.
export { CloseController } from 'next/dist/esm/server/web/web-on-close.js';

export function trackStreamConsumed(stream) {
  return stream;
}
