import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { getDb } from './client';
import { meterD1, serverTiming } from './metered';
import { meta } from './schema';

const t = useTestDb(meta);
beforeEach(async () => {
  await t.db.insert(meta).values([
    { key: 'a', value: '1', updatedAt: 1 },
    { key: 'b', value: '2', updatedAt: 2 },
  ]);
});

const metered = () => {
  const { db, meter } = meterD1(t.d1);
  return { db: getDb(db), raw: db, meter };
};

describe('meterD1', () => {
  it('answers as the unmetered binding does (drizzle selects, first, raw)', async () => {
    const { db, raw } = metered();
    expect(await db.select().from(meta).where(eq(meta.key, 'b'))).toEqual(await t.db.select().from(meta).where(eq(meta.key, 'b')));
    expect(await raw.prepare('SELECT value FROM meta WHERE key = ?').bind('a').first('value')).toBe('1');
    expect(await raw.prepare('SELECT key FROM meta ORDER BY key').raw()).toEqual([['a'], ['b']]);
  });

  it('statements in sequence are one round trip each', async () => {
    const { db, meter } = metered();
    await db.select().from(meta);
    await db.update(meta).set({ value: 'x' }).where(eq(meta.key, 'a'));
    expect(meter).toEqual({ statements: 2, roundTrips: 2 });
  });

  it('statements started while another is in flight overlap it: one round trip', async () => {
    const { db, meter } = metered();
    await Promise.all([db.select().from(meta), db.select().from(meta).where(eq(meta.key, 'a')), db.select().from(meta).where(eq(meta.key, 'b'))]);
    expect(meter).toEqual({ statements: 3, roundTrips: 1 });
    await db.select().from(meta);
    expect(meter.roundTrips).toBe(2);
  });

  it('a batch counts each of its statements and one round trip', async () => {
    const { db, meter } = metered();
    const [rows] = await db.batch([db.select().from(meta).where(eq(meta.key, 'a')), db.update(meta).set({ value: 'y' }).where(eq(meta.key, 'b')), db.delete(meta).where(eq(meta.key, 'zzz'))]);
    expect(rows).toEqual([{ key: 'a', value: '1', updatedAt: 1 }]);
    expect(meter).toEqual({ statements: 3, roundTrips: 1 });
    expect((await t.db.select().from(meta).where(eq(meta.key, 'b')))[0].value).toBe('y');
  });

  it('a failed statement ends its round trip: the next one counts again', async () => {
    const { raw, meter } = metered();
    await expect(raw.prepare('SELECT * FROM no_such_table').all()).rejects.toThrow();
    await raw.prepare('SELECT 1').all();
    expect(meter).toEqual({ statements: 2, roundTrips: 2 });
  });

  it('renders as a Server-Timing entry', () => {
    expect(serverTiming({ statements: 4, roundTrips: 2 })).toBe('d1;desc="statements=4 round_trips=2"');
  });
});
