/**
 * @module gateway/preflight
 * A chat request's first database round trip: the settings version, the caller's key row and a sample of
 * candidate accounts for the requested model, in one `db.batch()`. Settings come from this isolate's copy
 * when the version is unchanged, so a steady-state request pays this trip and the claim, nothing more.
 * Only a changed version (or a cold isolate) costs another read.
 */
import type { Platform } from '@/lib/platform';
import type { ModelEntry } from '@/lib/catalog/models';
import { getDb } from '@/lib/db/client';
import { keyByHashQuery } from '@/lib/db/keys';
import { listCandidates } from '@/lib/db/tokens';
import type { Candidate } from '@/lib/pool/select';
import { poolsFor } from '@/lib/pool/select';
import { cachedSettings, loadSettings, settingsAt, settingsVersionQuery } from '@/lib/settings/store';
import { contextFor, type GatewayContext } from './context';
import { checkKey, presentedKeyHash, type Caller } from './authorize';

interface Preflight {
  ctx: GatewayContext;
  caller: Caller;
  /** The model `modelOf` named, resolved under the current settings (unless it threw). */
  model?: ModelEntry;
  /** Candidate accounts for that model. */
  candidates?: Candidate[];
  /** What `modelOf` threw, for the caller to raise once it has logged who asked. */
  modelError?: unknown;
}

/**
 * `modelOf` names the model from the request. It may throw (an unknown model, a bad body): that error is
 * returned, not raised, so the key is checked first (a bad key is still a 401) and the caller logs it.
 */
export async function preflight(req: Request, platform: Platform, opts: { asAdmin?: boolean; modelOf: (ctx: GatewayContext) => ModelEntry }): Promise<Preflight> {
  const DB = platform.bindings.DB;
  const db = getDb(DB);
  const held = cachedSettings() ?? (await loadSettings(DB));
  let ctx = contextFor(platform, held);
  const hash = opts.asAdmin ? undefined : await presentedKeyHash(req);
  let model: ModelEntry | undefined;
  let modelError: unknown;
  try {
    model = opts.modelOf(ctx);
  } catch (e) {
    modelError = e;
  }

  const version = settingsVersionQuery(db);
  const key = hash ? keyByHashQuery(db, hash) : undefined;
  const now = ctx.now();
  const sample = model ? listCandidates(db, { types: poolsFor(model.tier), bucket: model.bucket, now, exclude: [], perAccount: ctx.settings.account_max_concurrency }) : undefined;
  const queries = [version, ...(key ? [key] : []), ...(sample ? [sample] : [])];
  const results = (await db.batch(queries as unknown as Parameters<typeof db.batch>[0])) as readonly unknown[];

  const loaded = await settingsAt(DB, results[0] as { value: string }[]);
  let candidates = sample ? (results[results.length - 1] as Candidate[]) : undefined;
  if (loaded !== held) {
    // Settings changed since this isolate read them: the model may resolve differently now.
    ctx = contextFor(platform, loaded);
    candidates = undefined;
    model = undefined;
    modelError = undefined;
    try {
      model = opts.modelOf(ctx);
    } catch (e) {
      modelError = e;
    }
  }
  const caller = opts.asAdmin ? null : checkKey(ctx, hash, key ? (results[1] as Caller[])[0] ?? undefined : undefined);
  return { ctx, caller, model, candidates, modelError };
}
