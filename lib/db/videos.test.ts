import { describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { getVideoJob, insertVideoJob, pruneVideoJobs, updateVideoJob } from './videos';
import { videoJobs } from './schema';

const T0 = 1_800_000_000_000;
const t = useTestDb(videoJobs);

const job = (id: string, updatedAt = T0) => ({ id, keyId: 'k', model: 'grok-imagine-1.0-video', status: 'queued' as const, params: { prompt: 'a cat', seconds: 6 }, createdAt: T0, updatedAt });

describe('video jobs', () => {
  it('a job moves through its states; an update touches only the fields it names', async () => {
    await insertVideoJob(t.db, job('v'));
    expect(await getVideoJob(t.db, 'v')).toMatchObject({ status: 'queued', progress: 0, params: { prompt: 'a cat', seconds: 6 }, error: null, videoPath: null });
    await updateVideoJob(t.db, 'v', { status: 'in_progress', progress: 40, tokenId: 'tok', updatedAt: T0 + 1 });
    await updateVideoJob(t.db, 'v', { status: 'failed', error: { message: 'moderated', code: 'content_policy_violation' }, updatedAt: T0 + 2 });
    expect(await getVideoJob(t.db, 'v')).toMatchObject({
      status: 'failed',
      progress: 40,
      tokenId: 'tok',
      params: { prompt: 'a cat', seconds: 6 },
      error: { message: 'moderated', code: 'content_policy_violation' },
      createdAt: T0,
      updatedAt: T0 + 2,
    });
    expect(await getVideoJob(t.db, 'other')).toBeUndefined();
  });

  it('pruning drops jobs last updated before the cut, whatever their state', async () => {
    await insertVideoJob(t.db, job('stale', T0 - 1));
    await insertVideoJob(t.db, job('edge', T0));
    await updateVideoJob(t.db, 'stale', { status: 'in_progress' });
    await pruneVideoJobs(t.db, T0);
    expect((await t.db.select().from(videoJobs)).map((j) => j.id)).toEqual(['edge']);
  });
});
