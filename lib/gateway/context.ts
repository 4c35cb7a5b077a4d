/**
 * @module gateway/context
 * Everything a request handler needs, loaded once per request: db handle, cached settings and catalog,
 * the upstream client config and the clock.
 */
import type { Platform } from '@/lib/platform';
import { getDb, type Db } from '@/lib/db/client';
import { loadSettings, type Loaded } from '@/lib/settings/store';
import type { Settings } from '@/lib/settings/schema';
import type { Catalog } from '@/lib/catalog/models';
import type { GrokClientConfig } from '@/lib/grok/client';
import { GatewayError } from '@/lib/errors';

export interface GatewayContext {
  platform: Platform;
  db: Db;
  settings: Settings;
  catalog: Catalog;
  grok: GrokClientConfig;
  secret: string;
  now: () => number;
}

export async function loadContext(platform: Platform, now: () => number = Date.now): Promise<GatewayContext> {
  return contextFor(platform, await loadSettings(platform.bindings.DB), now);
}

/** The context over settings the caller already holds (e.g. read in its own batch). */
export function contextFor(platform: Platform, { settings, catalog }: Loaded, now: () => number = Date.now): GatewayContext {
  return {
    platform,
    db: getDb(platform.bindings.DB),
    settings,
    catalog,
    secret: requireSecret(platform),
    now,
    grok: {
      fetch: platform.fetch,
      baseUrl: platform.env.GROK_BASE_URL,
      headers: { settings },
    },
  };
}

export function requireSecret(platform: Platform): string {
  const secret = platform.env.SECRET_KEY;
  if (!secret || secret.length < 16) {
    throw new GatewayError('internal', 'SECRET_KEY is not configured (at least 16 characters); see README → Configuration');
  }
  return secret;
}
