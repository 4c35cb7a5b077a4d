import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { accountLeases, tokens } from '@/lib/db/schema';
import type { ModelEntry } from '@/lib/catalog/models';
import { truncatedFailure, upstreamFailure } from '@/lib/grok/errors';
import { GatewayError } from '@/lib/errors';
import type { GatewayContext } from './context';
import { createAccountAcquirer } from './acquire-account';

const NOW = Date.UTC(2026, 11, 1, 12);
const GROK_4 = { id: 'grok-4', kind: 'chat', tier: 'basic', bucket: 'default', units: 1 } as ModelEntry;
const t = useTestDb(accountLeases, tokens);

const addAccount = (id: string, extra: Partial<typeof tokens.$inferInsert> = {}) =>
  t.db.insert(tokens).values({ id, tokenHash: `h-${id}`, tokenEnc: 'e', suffix: id, type: 'sso', createdAt: NOW, ...extra });
const pending: Promise<unknown>[] = [];
const context = (settings: { account_max_concurrency?: number; account_busy_wait_seconds?: number } = {}) =>
  ({
    db: t.db,
    now: () => NOW,
    settings: { account_max_concurrency: 1, account_busy_wait_seconds: 0, ...settings },
    platform: { waitUntil: (p: Promise<unknown>) => pending.push(p) },
  }) as unknown as GatewayContext;
const settled = async () => {
  await Promise.all(pending.splice(0));
};
const leases = async () => (await t.db.select().from(accountLeases)).length;
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as GatewayError);

describe('createAccountAcquirer', () => {
  it('claims a ready account with its in-flight slot, counts the use, and frees the slot when told', async () => {
    await addAccount('a');
    const accounts = createAccountAcquirer(context(), { model: GROK_4 }, []);
    const row = await accounts.acquire(undefined);
    expect(row.id).toBe('a');
    expect(row.useCount).toBe(1);
    expect(await leases()).toBe(1);
    accounts.freeLease();
    await settled();
    expect(await leases()).toBe(0);
  });

  it('never picks an account this request already tried', async () => {
    await addAccount('a');
    await addAccount('b');
    const picked: string[] = [];
    for (let i = 0; i < 6; i++) picked.push((await createAccountAcquirer(context({ account_max_concurrency: 0 }), { model: GROK_4 }, ['a']).acquire(undefined)).id);
    expect(picked).toEqual(Array(6).fill('b'));
  });

  it('every account busy and no time to wait: 429 all_accounts_busy, nothing claimed', async () => {
    await addAccount('a');
    await t.db.insert(accountLeases).values({ id: 'other', tokenId: 'a', expiresAt: NOW + 60_000 });
    const err = await rejection(createAccountAcquirer(context(), { model: GROK_4 }, []).acquire(undefined));
    expect(err).toBeInstanceOf(GatewayError);
    expect([err!.status, err!.code]).toEqual([429, 'all_accounts_busy']);
    expect((await t.db.select().from(tokens).where(eq(tokens.id, 'a')))[0].useCount).toBe(0);
  });

  it('a busy account that frees up while the request waits serves it', async () => {
    await addAccount('a');
    await t.db.insert(accountLeases).values({ id: 'other', tokenId: 'a', expiresAt: NOW + 60_000 });
    // A drizzle query runs when awaited.
    setTimeout(() => void t.db.delete(accountLeases).where(eq(accountLeases.id, 'other')).then(() => {}), 50);
    const row = await createAccountAcquirer(context({ account_busy_wait_seconds: 5 }), { model: GROK_4 }, []).acquire(undefined);
    expect(row.id).toBe('a');
  });

  it('every account cooling: 429 all_tokens_cooling with the seconds until the first is back', async () => {
    await addAccount('a', { cooldownUntil: NOW + 90_000 });
    const err = await rejection(createAccountAcquirer(context(), { model: GROK_4 }, []).acquire(undefined));
    expect([err!.status, err!.code, err!.retryAfter]).toEqual([429, 'all_tokens_cooling', 90]);
  });

  it('an empty pool says how to fix it; a quarantined pool says it is the quality guard', async () => {
    const empty = await rejection(createAccountAcquirer(context(), { model: GROK_4 }, []).acquire(undefined));
    expect(empty!.message).toMatch(/add or re-enable tokens/);
    await addAccount('a', { quarantinedUntil: NOW + 60_000, quarantineReason: 'degraded_empty' });
    const quarantined = await rejection(createAccountAcquirer(context(), { model: GROK_4 }, []).acquire(undefined));
    expect(quarantined!.message).toMatch(/quarantined by the quality guard/);
  });

  it('out of accounts after a failed attempt: the client sees that failure', async () => {
    await addAccount('a');
    const timedOut = await rejection(createAccountAcquirer(context(), { model: GROK_4 }, ['a']).acquire(upstreamFailure('timeout', 'upstream sent nothing for 30s')));
    expect([timedOut!.code, timedOut!.message]).toEqual(['upstream_timeout', 'upstream sent nothing for 30s']);
    const cut = await rejection(createAccountAcquirer(context(), { model: GROK_4 }, ['a']).acquire(truncatedFailure()));
    expect(cut!.type).toBe('upstream_error');
  });
});
