/**
 * @module gateway/preflight
 * A chat request's first database round trip: the settings version, the caller's key row and a sample of
 * candidate accounts for the requested model, in one `db.batch()`. Settings come from this isolate's copy
 * when the version is unchanged. The same batch may claim the account too (`early-claim`): a steady-state
 * request then pays this one trip before going upstream. Only a changed version (or a cold isolate) costs
 * another read.
 */
import type { Platform } from '@/lib/platform';
import type { ModelEntry } from '@/lib/catalog/models';
import type { ApiKeyRow } from '@/lib/db/schema';
import { getDb } from '@/lib/db/client';
import { keyByHashQuery } from '@/lib/db/keys';
import { listCandidates } from '@/lib/db/tokens';
import type { Candidate } from '@/lib/pool/select';
import { poolsFor } from '@/lib/pool/select';
import { cachedSettings, loadSettings, settingsAt, settingsVersionQuery } from '@/lib/settings/store';
import { contextFor, type GatewayContext } from './context';
import { checkKey, modelAllowed, presentedKeyHash, type Caller } from './authorize';
import { giveBack, type Claimed } from './account-claim';
import { planEarlyClaim, remember } from './early-claim';

interface Preflight {
  ctx: GatewayContext;
  caller: Caller;
  /** The model `modelOf` named, resolved under the current settings (unless it threw). */
  model?: ModelEntry;
  /** Candidate accounts for that model. */
  candidates?: Candidate[];
  /** An account already claimed for the first attempt (see `early-claim`); the caller must use or give it back. */
  claimed?: Claimed;
  /** What `modelOf` threw, for the caller to raise once it has logged who asked. */
  modelError?: unknown;
}

interface PreflightOptions {
  asAdmin?: boolean;
  /**
   * Names the model from the request (and checks what needs no database). It may throw (an unknown model, a
   * bad body): that error is returned, not raised, so the key is checked first (a bad key is still a 401)
   * and the caller logs it.
   */
  modelOf: (ctx: GatewayContext) => ModelEntry;
  /** Whether this request may have its account claimed in this batch (not when it must fetch attachments first). */
  claimEarly?: (model: ModelEntry) => boolean;
}

function nameModel(ctx: GatewayContext, opts: PreflightOptions): { model?: ModelEntry; modelError?: unknown } {
  try {
    return { model: opts.modelOf(ctx) };
  } catch (modelError) {
    return { modelError };
  }
}

export async function preflight(req: Request, platform: Platform, opts: PreflightOptions): Promise<Preflight> {
  const DB = platform.bindings.DB;
  const db = getDb(DB);
  const held = cachedSettings() ?? (await loadSettings(DB));
  let ctx = contextFor(platform, held);
  const hash = opts.asAdmin ? undefined : await presentedKeyHash(req);
  let { model, modelError } = nameModel(ctx, opts);

  const version = settingsVersionQuery(db);
  const key = hash ? keyByHashQuery(db, hash) : undefined;
  const now = ctx.now();
  const early = model && opts.claimEarly?.(model) ? planEarlyClaim(ctx, model, { asAdmin: opts.asAdmin, hash }) : undefined;
  // After the claim, so a slot it took is not offered again.
  const sample = model ? listCandidates(db, { types: poolsFor(model.tier), bucket: model.bucket, now, exclude: [], perAccount: ctx.settings.account_max_concurrency }) : undefined;
  const queries = [version, ...(key ? [key] : []), ...(early?.statements ?? []), ...(sample ? [sample] : [])];
  const results = (await db.batch(queries as unknown as Parameters<typeof db.batch>[0])) as readonly unknown[];

  const keyRow = key ? (results[1] as ApiKeyRow[])[0] : undefined;
  let claimed = early?.read(results.slice(key ? 2 : 1));
  // The claim was made under the model named before the batch: given back under that model's bucket.
  const bucket = model?.bucket ?? 'default';
  const giveBackClaim = () => {
    if (claimed) giveBack(ctx, claimed, bucket);
    claimed = undefined;
  };
  let candidates = sample ? (results[results.length - 1] as Candidate[]) : undefined;
  remember(model, candidates, hash, keyRow, now);
  const loaded = await settingsAt(DB, results[0] as { value: string }[]);
  if (loaded !== held) {
    // Settings changed since this isolate read them: the model may resolve differently now.
    giveBackClaim();
    ctx = contextFor(platform, loaded);
    candidates = undefined;
    ({ model, modelError } = nameModel(ctx, opts));
  }
  let caller: Caller;
  try {
    caller = opts.asAdmin ? null : checkKey(ctx, hash, keyRow);
  } catch (e) {
    giveBackClaim();
    throw e;
  }
  // The key's models changed since this isolate saw it: the caller refuses the request.
  if (model && !modelAllowed(caller, model)) giveBackClaim();
  return { ctx, caller, model, candidates, claimed, modelError };
}
