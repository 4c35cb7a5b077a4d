/**
 * @module gateway/acquire-account
 * Finding the account for one attempt: pick from the request's candidate sample (then fresh samples), claim it
 * in one batch with its in-flight slot and the key's admission, wait for a slot while every account is busy,
 * and say why when there is none (busy, cooling, quarantined, empty pool).
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { TokenRow } from '@/lib/db/schema';
import { countBusyAccounts, listCandidates, nextCooldownEnd, nextProbeDue } from '@/lib/db/tokens';
import type { UpstreamFailure } from '@/lib/grok/errors';
import { createTokenPicker, poolsFor, type Candidate } from '@/lib/pool/select';
import { GatewayError } from '@/lib/errors';
import { waitForAccount } from './account-slots';
import { giveBack, planClaim, releaseSlot, type Claimed } from './account-claim';
import type { GatewayContext } from './context';
import { failureToError } from './failure-errors';
import { noAdmission, type AdmissionPlan, type KeyAdmission } from './key-limits';

/** While waiting for a busy account, the pool is looked at again this often (other isolates free slots too). */
const BUSY_POLL_MS = 500;

interface AcquireJob {
  model: ModelEntry;
  /** Candidates read in the request's first batch: the first pick needs no query of its own. */
  candidates?: Candidate[];
  /** The key's admission, run in one batch with the first claim and settled before anything goes upstream. */
  admission?: AdmissionPlan;
  /** An account the request's first batch claimed already: the first attempt's. */
  claimed?: Claimed;
}

/** `tried` is the runner's list of accounts already used by this request (never picked again). */
export function createAccountAcquirer(ctx: GatewayContext, job: AcquireJob, tried: readonly string[], signal?: AbortSignal) {
  const picker = createTokenPicker({ now: ctx.now });
  const pools = poolsFor(job.model.tier);
  const perAccount = ctx.settings.account_max_concurrency;
  let preloaded = job.candidates;
  let pendingAdmission = job.admission;
  let admitted: KeyAdmission = noAdmission;
  let early = job.claimed;

  /** Settles the key's admission on its own when no claim carried it (empty pool, or nothing to batch). */
  async function admitAlone(): Promise<void> {
    const plan = pendingAdmission;
    if (!plan) return;
    pendingAdmission = undefined;
    admitted = plan.settle(plan.statements.length ? await ctx.db.batch(plan.statements as unknown as Parameters<typeof ctx.db.batch>[0]) : []);
  }

  /** The in-flight slot held on the account currently serving; freed when it is done with the request. */
  let lease: string | undefined;
  function freeLease() {
    if (!lease) return;
    const id = lease;
    lease = undefined;
    releaseSlot(ctx, id);
  }

  /** Settles the key's admission that waited for this claim; a refusal gives the account back. */
  function settleWith(claimed: Claimed | undefined, plan: AdmissionPlan, results: readonly unknown[]): void {
    try {
      admitted = plan.settle(results);
    } catch (e) {
      // The claim goes first, so a refused admission only needs it (and its slot) taken back.
      if (claimed) giveBack(ctx, claimed, job.model.bucket);
      lease = undefined;
      throw e;
    }
  }

  async function claim(choice: Candidate, now: number): Promise<TokenRow | undefined> {
    // An admission with nothing to ask D1 is settled first: a key refused outright claims nothing.
    if (!pendingAdmission?.statements.length) await admitAlone();
    const planned = planClaim(ctx, choice, { model: job.model, perAccount, now });
    const plan = pendingAdmission;
    pendingAdmission = undefined;
    const admission = plan?.statements ?? [];
    // Slot, then the claim (which needs the slot), then the key's admission: one round trip.
    const results: readonly unknown[] = await ctx.db.batch([...planned.statements, ...admission] as unknown as Parameters<typeof ctx.db.batch>[0]);
    const claimed = planned.read(results);
    lease = claimed?.leaseId;
    if (plan) settleWith(claimed, plan, results.slice(planned.statements.length));
    return claimed?.row;
  }

  /** The account the request's first batch already claimed: taken once its key is admitted. */
  async function takeEarly(claimed: Claimed): Promise<TokenRow> {
    lease = claimed.leaseId;
    const plan = pendingAdmission;
    pendingAdmission = undefined;
    if (plan) settleWith(claimed, plan, plan.statements.length ? await ctx.db.batch(plan.statements as unknown as Parameters<typeof ctx.db.batch>[0]) : []);
    return claimed.row;
  }

  /** Claims a ready account not tried yet, waiting (in arrival order) while every one is busy; else throws why none. */
  async function acquire(lastFailure: UpstreamFailure | undefined): Promise<TokenRow> {
    const claimed = early;
    early = undefined;
    if (claimed) return takeEarly(claimed);
    const waitUntil = ctx.now() + ctx.settings.account_busy_wait_seconds * 1000;
    let lookedAgain = false;
    for (;;) {
      for (let race = 0; race < 3; race++) {
        const now = ctx.now();
        const candidates = preloaded ?? (await listCandidates(ctx.db, { types: pools, bucket: job.model.bucket, now, exclude: tried, perAccount }));
        preloaded = undefined;
        let pool = candidates;
        for (;;) {
          const choice = picker(pool, { pools, units: job.model.units, bucket: job.model.bucket });
          if (!choice) break;
          const row = await claim(choice, now);
          if (row) return row;
          pool = pool.filter((c) => c.id !== choice.id);
        }
      }
      // Every usable account is serving someone else: wait (in arrival order) for one to free up — once the
      // key itself is admitted, so a key over its own limits is refused at once rather than queued.
      if (!perAccount || lastFailure || signal?.aborted) break;
      const left = waitUntil - ctx.now();
      if (left <= 0) break;
      if (!(await countBusyAccounts(ctx.db, pools, perAccount, ctx.now()))) {
        // None busy now: one was freed between the two reads (look again, once), or there are none at all.
        if (lookedAgain) break;
        lookedAgain = true;
        continue;
      }
      await admitAlone();
      await waitForAccount(Math.min(left, BUSY_POLL_MS), signal);
    }
    await admitAlone();
    if (lastFailure) throw failureToError(lastFailure);
    if (perAccount && (await countBusyAccounts(ctx.db, pools, perAccount, ctx.now()))) {
      throw new GatewayError('no_token', `Every account is busy (at most ${perAccount} request${perAccount > 1 ? 's' : ''} per account at once); retry shortly`, {
        status: 429,
        code: 'all_accounts_busy',
        retryAfter: 1,
      });
    }
    const until = await nextCooldownEnd(ctx.db, pools, ctx.now());
    if (until) {
      return Promise.reject(
        new GatewayError('no_token', 'All accounts are cooling down; retry later', { status: 429, code: 'all_tokens_cooling', retryAfter: Math.ceil((until - ctx.now()) / 1000) }),
      );
    }
    const which = job.model.tier === 'super' ? 'ssoSuper accounts' : 'accounts';
    // Say why when it is the quality guard that took them out: the operator's fix is different.
    const quarantined = (await nextProbeDue(ctx.db)) !== undefined;
    throw new GatewayError(
      'no_token',
      quarantined
        ? `No usable ${which}: the rest are quarantined by the quality guard (see the accounts page); they are probed and released automatically`
        : `No usable ${which} in the pool; add or re-enable tokens in the admin dashboard`,
    );
  }

  return {
    acquire,
    admitAlone,
    freeLease,
    /** The key's admission once settled (with the first claim); a no-op before and for keyless callers. */
    get admission() {
      return admitted;
    },
  };
}
