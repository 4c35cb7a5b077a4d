import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { touchKey } from './keys';
import { apiKeys } from './schema';

const T0 = 1_800_000_000_000;
const t = useTestDb(apiKeys);
beforeEach(async () => {
  await t.db.insert(apiKeys).values({ id: 'k', name: 'k', keyHash: 'kh', prefix: 'sk-g2a-x', status: 'active', limits: {}, createdAt: T0 });
});
const lastUsed = async () => (await t.db.select().from(apiKeys).where(eq(apiKeys.id, 'k')))[0].lastUsedAt;

describe('touchKey', () => {
  it('records the first use', async () => {
    await touchKey(t.db, { id: 'k', lastUsedAt: null }, T0);
    expect(await lastUsed()).toBe(T0);
  });
  it('skips the write within a minute of the last use the caller saw, writes after it', async () => {
    await touchKey(t.db, { id: 'k', lastUsedAt: null }, T0);
    await touchKey(t.db, { id: 'k', lastUsedAt: T0 }, T0 + 59_000);
    expect(await lastUsed()).toBe(T0);
    await touchKey(t.db, { id: 'k', lastUsedAt: T0 }, T0 + 60_000);
    expect(await lastUsed()).toBe(T0 + 60_000);
  });
  it('a last use in the future (clock skew) is overwritten', async () => {
    await touchKey(t.db, { id: 'k', lastUsedAt: T0 + 5_000 }, T0);
    expect(await lastUsed()).toBe(T0);
  });
});
