import { beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { useTestDb } from '@/lib/test/d1';
import { tokenRow } from '@/lib/test/fixtures';
import { tokens, type TokenRow } from '@/lib/db/schema';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import { DEFAULT_SETTINGS, type Settings } from '@/lib/settings/schema';
import type { GrokEvent } from '@/lib/grok/events';
import type { GatewayContext } from './context';
import { createQualityWatch, probeSchedule } from './quality-guard';

const T0 = 1_800_000_000_000;
const GROK_4 = DEFAULT_MODELS.find((m) => m.id === 'grok-4')!;
const t = useTestDb(tokens);

let clock: number;
let pending: Promise<unknown>[];
beforeEach(async () => {
  clock = T0;
  pending = [];
  probeSchedule.dueAt = Infinity;
});

const context = (settings: Partial<Settings> = {}) =>
  ({ db: t.db, now: () => clock, settings: { ...DEFAULT_SETTINGS, quarantine_seconds: 600, ...settings }, platform: { waitUntil: (p: Promise<unknown>) => void pending.push(p) } }) as unknown as GatewayContext;
const row = async (id: string) => (await t.db.select().from(tokens).where(eq(tokens.id, id)))[0] as TokenRow;
const settle = () => Promise.all(pending.splice(0));

/** One attempt's answer on account `id`: `events` at `stepMs` apart, then judged. */
async function answer(id: string, events: GrokEvent[], { settings, stepMs = 200 }: { settings?: Partial<Settings>; stepMs?: number } = {}) {
  const watch = createQualityWatch(context(settings), GROK_4);
  for (const e of events) {
    watch.observe(e);
    clock += stepMs;
  }
  watch.finished(await row(id));
  await settle();
  return row(id);
}
const text = (s: string): GrokEvent => ({ type: 'text', text: s });

describe('createQualityWatch', () => {
  it('empty answers count as a run; the run’s last one quarantines the account until its probe is due', async () => {
    await t.db.insert(tokens).values(tokenRow('a'));
    expect((await answer('a', [])).suspectAnswers).toBe(1);
    expect((await answer('a', [{ type: 'meta', model: 'grok-4' }])).suspectAnswers).toBe(2);
    expect((await row('a')).quarantinedUntil).toBeNull();
    // Soft signs below the run also move the schedule (a look that finds nothing); only this one's time matters here.
    probeSchedule.dueAt = Infinity;
    const at = clock;
    const q = await answer('a', []);
    expect(q).toMatchObject({
      suspectAnswers: 0,
      quarantinedUntil: at + 600_000,
      quarantineReason: 'degraded_empty',
      quarantineModel: 'grok-4',
      quarantineCount: 1,
      lastFailureAt: at,
      lastFailureReason: 'quarantined: degraded_empty',
    });
    // This isolate learns when to probe without reading D1.
    expect(probeSchedule.dueAt).toBe(at + 600_000);
  });

  it('a good answer ends the run of suspect answers', async () => {
    await t.db.insert(tokens).values(tokenRow('a', { suspectAnswers: 2 }));
    const r = await answer('a', [text('Hello there, a normal answer.')]);
    expect([r.suspectAnswers, r.quarantinedUntil]).toEqual([0, null]);
  });

  it('an answer streamed faster than the upstream can produce quarantines at once; the same length at a real pace does not', async () => {
    await t.db.insert(tokens).values([tokenRow('fast'), tokenRow('paced')]);
    const long = [text('x'.repeat(1500)), text('y'.repeat(1500))];
    // 3000 characters: 400 ms is 7 500/s (over the 5 000/s default), 1 200 ms is 2 500/s.
    expect((await answer('paced', long, { stepMs: 1200 })).quarantinedUntil).toBeNull();
    const fast = await answer('fast', long, { stepMs: 400 });
    expect([fast.quarantineReason, fast.quarantineCount, fast.suspectAnswers]).toEqual(['degraded_implausible_speed', 1, 0]);
  });

  it('a model other than the one its peers report quarantines at once', async () => {
    await t.db.insert(tokens).values(['p1', 'p2', 'p3', 'odd'].map((id) => tokenRow(id)));
    for (const id of ['p1', 'p2', 'p3']) expect((await answer(id, [{ type: 'meta', model: 'grok-4-0709' }, text('fine')])).quarantinedUntil).toBeNull();
    const odd = await answer('odd', [{ type: 'meta', model: 'grok-3' }, text('fine')]);
    expect(odd.quarantineReason).toBe('degraded_model_mismatch');
  });

  it('an account already quarantined keeps its quarantine as it was', async () => {
    await t.db.insert(tokens).values(tokenRow('a', { quarantinedUntil: T0 + 5, quarantineReason: 'degraded_moderated', quarantineCount: 1 }));
    const r = await answer('a', [text('z'.repeat(3000))], { stepMs: 1 });
    expect([r.quarantinedUntil, r.quarantineReason, r.quarantineCount]).toEqual([T0 + 5, 'degraded_moderated', 1]);
  });

  it('a moderated answer counts toward the run like an empty one', async () => {
    await t.db.insert(tokens).values(tokenRow('a', { suspectAnswers: 2 }));
    const watch = createQualityWatch(context(), GROK_4);
    watch.moderated(await row('a'));
    await settle();
    expect((await row('a')).quarantineReason).toBe('degraded_moderated');
  });

  it('with the guard off nothing is judged or counted, and a stale run is cleared', async () => {
    await t.db.insert(tokens).values(tokenRow('a', { suspectAnswers: 2 }));
    const off = { quality_guard: false };
    expect((await answer('a', [], { settings: off })).suspectAnswers).toBe(0);
    const watch = createQualityWatch(context(off), GROK_4);
    watch.moderated(await row('a'));
    await settle();
    expect((await answer('a', [text('q'.repeat(3000))], { settings: off, stepMs: 1 })).quarantinedUntil).toBeNull();
    expect((await row('a')).suspectAnswers).toBe(0);
  });
});
