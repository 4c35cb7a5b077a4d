import { getPlatform } from '@/lib/platform';
import { handleHealth } from '@/lib/gateway/health';

export const runtime = 'edge';

export function GET() {
  return handleHealth(getPlatform());
}
