import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '@/lib/test/d1';
import { keyRow, testPlatform } from '@/lib/test/fixtures';
import { apiKeys, meta, settings as settingsTable } from '@/lib/db/schema';
import { hashApiKey } from '@/lib/auth/api-keys';
import { DEFAULT_MODELS } from '@/lib/catalog/models';
import { saveSettings } from '@/lib/settings/store';
import { handleListModels } from './models';

const KEY = 'sk-g2a-models-test-key';
const t = useTestDb(apiKeys, settingsTable, meta);
beforeEach(async () => {
  await t.db.insert(apiKeys).values(keyRow('all', { keyHash: await hashApiKey(KEY) }));
});

async function listModels(key?: string) {
  const res = await handleListModels(new Request('http://gw/v1/models', { headers: key ? { authorization: `Bearer ${key}` } : {} }), testPlatform(t.d1).platform);
  return { status: res.status, body: (await res.json()) as { object: string; data: { id: string }[]; error?: { code: string } } };
}
const ids = (r: { body: { data: { id: string }[] } }) => r.body.data.map((m) => m.id);
const enabledDefaults = DEFAULT_MODELS.filter((m) => m.enabled).map((m) => m.id);

describe('handleListModels', () => {
  it('a key without an allow-list sees the whole catalog, in the OpenAI list shape', async () => {
    const r = await listModels(KEY);
    expect(r.status).toBe(200);
    expect(r.body.object).toBe('list');
    expect(ids(r)).toEqual(enabledDefaults);
    expect(r.body.data.find((m) => m.id === 'grok-4-heavy')).toEqual({
      id: 'grok-4-heavy',
      object: 'model',
      created: 0,
      owned_by: 'x-ai',
      display_name: 'Grok 4 Heavy',
      capability: 'chat',
      tier: 'super',
    });
  });

  it('a key with an allow-list sees only those models, named by id or by alias', async () => {
    await t.db.insert(apiKeys).values(keyRow('some', { keyHash: await hashApiKey(`${KEY}-some`), models: ['grok-4', 'grok-4.1.thinking', 'not-a-model'] }));
    expect(ids(await listModels(`${KEY}-some`))).toEqual(['grok-4', 'grok-4.1-thinking']);
  });

  it('models the operator disabled are not listed', async () => {
    await saveSettings(t.d1, { models: [{ id: 'grok-3', enabled: false }] });
    const listed = ids(await listModels(KEY));
    expect(listed).not.toContain('grok-3');
    expect(listed.length).toBe(enabledDefaults.length - 1);
  });

  it('without a key: 401 in the error envelope, unless open access is on', async () => {
    const closed = await listModels();
    expect([closed.status, closed.body.error?.code]).toEqual([401, 'invalid_api_key']);
    expect((await listModels('sk-g2a-wrong')).status).toBe(401);
    await saveSettings(t.d1, { open_access: true });
    expect(ids(await listModels())).toEqual(enabledDefaults);
  });
});
