import { GatewayError, errorResponse } from '@/lib/errors';

export const runtime = 'edge';

function notFound(req: Request) {
  return errorResponse(new GatewayError('not_found', `Unknown endpoint ${req.method} ${new URL(req.url).pathname}`));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
