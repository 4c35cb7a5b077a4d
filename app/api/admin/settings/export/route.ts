import { getPlatform } from '@/lib/platform';
import { withAdmin } from '@/lib/admin/guard';
import { exportSettings } from '@/lib/admin/settings-backup';

export const runtime = 'edge';

export function GET(req: Request) {
  return withAdmin(req, getPlatform(), exportSettings);
}
