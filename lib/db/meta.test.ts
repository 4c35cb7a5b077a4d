import { describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { deleteMeta, getMeta, setMeta } from './meta';
import { meta } from './schema';

const t = useTestDb(meta);

describe('meta', () => {
  it('set is an upsert: one row per key, the latest value and time', async () => {
    await setMeta(t.db, 'egress_last_challenge', '{"at":1}', 1);
    await setMeta(t.db, 'egress_last_challenge', '{"at":2}', 2);
    await setMeta(t.db, 'other', 'x', 3);
    expect(await getMeta(t.db, 'egress_last_challenge')).toEqual({ value: '{"at":2}', updatedAt: 2 });
    expect(await t.db.select().from(meta)).toHaveLength(2);
  });

  it('delete removes only its key; a missing key reads as undefined', async () => {
    await setMeta(t.db, 'a', '1', 1);
    await setMeta(t.db, 'b', '2', 1);
    await deleteMeta(t.db, 'a');
    expect([await getMeta(t.db, 'a'), await getMeta(t.db, 'b')]).toEqual([undefined, { value: '2', updatedAt: 1 }]);
  });
});
