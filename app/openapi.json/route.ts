import { openApiResponse } from '@/lib/openapi/document';

export const runtime = 'edge';

/** The OpenAPI 3.1 document of /v1 and /api/admin, built from the routes' zod schemas (`lib/openapi`). */
export function GET() {
  return openApiResponse();
}
