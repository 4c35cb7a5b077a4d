/** The OpenAPI document as clients fetch it from the built app. */
import { expect, test } from '@playwright/test';
import { GATEWAY } from './helpers';

test('GET /openapi.json: an OpenAPI 3.1 document for /v1 and /api/admin, without authentication', async () => {
  const res = await fetch(`${GATEWAY}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(doc.openapi).toBe('3.1.0');
  for (const [path, method] of [
    ['/v1/chat/completions', 'post'],
    ['/v1/responses', 'post'],
    ['/v1/messages', 'post'],
    ['/v1/images/edits', 'post'],
    ['/api/admin/tokens', 'get'],
    ['/api/admin/settings', 'put'],
  ]) {
    expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  }
});
