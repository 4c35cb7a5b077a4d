import { describe, expect, it } from 'vitest';
import { buildCatalog, DEFAULT_MODELS, modelOverrideSchema, type ModelOverride } from './models';

describe('buildCatalog', () => {
  it('resolves default models with their upstream fields', () => {
    const c = buildCatalog([]);
    expect(c.resolve('grok-4')).toMatchObject({
      id: 'grok-4',
      modelName: 'grok-4',
      modelMode: 'MODEL_MODE_GROK_4',
      rateLimitModel: 'grok-4',
      tier: 'basic',
      bucket: 'default',
      kind: 'chat',
      enabled: true,
      units: 1,
    });
    expect(c.resolve('grok-4-heavy')).toMatchObject({ tier: 'super', bucket: 'heavy', modeId: 'heavy', rateLimitModel: 'grok-4-heavy', units: 4 });
    expect(c.list.map((m) => m.id)).toEqual(DEFAULT_MODELS.map((m) => m.id));
    expect(c.resolve('no-such-model')).toBeUndefined();
  });

  it('resolves an alias to its model', () => {
    const c = buildCatalog([]);
    expect(c.resolve('grok-4.1.thinking')?.id).toBe('grok-4.1-thinking');
    expect(c.resolve('grok-4.1.thinking')).toBe(c.resolve('grok-4.1-thinking'));
  });

  it('an override can disable a model', () => {
    const c = buildCatalog([{ id: 'grok-3', enabled: false }]);
    expect(c.resolve('grok-3')).toBeUndefined();
    expect(c.list.map((m) => m.id)).not.toContain('grok-3');
    expect(c.resolve('grok-3-fast')?.id).toBe('grok-3-fast');
  });

  it('disabling a model also removes its aliases', () => {
    const c = buildCatalog([{ id: 'grok-4.1-thinking', enabled: false }]);
    expect(c.resolve('grok-4.1.thinking')).toBeUndefined();
  });

  it('an override can change fields of a default model', () => {
    const c = buildCatalog([{ id: 'grok-4', displayName: 'Grok Four', units: 2 }]);
    expect(c.resolve('grok-4')).toMatchObject({ displayName: 'Grok Four', units: 2, modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4' });
  });

  it('an override that went through validation (as stored settings do) changes only the fields it names', () => {
    // lib/settings/store.ts parses the stored `models` setting with this schema before calling buildCatalog.
    const overrides = [
      modelOverrideSchema.parse({ id: 'grok-4-heavy', displayName: 'Heavy' }),
      modelOverrideSchema.parse({ id: 'grok-4.1-thinking', displayName: 'Thinking' }),
      modelOverrideSchema.parse({ id: 'grok-imagine-1.0', displayName: 'Imagine' }),
    ];
    const c = buildCatalog(overrides);
    expect(c.resolve('grok-4-heavy')).toMatchObject({ displayName: 'Heavy', tier: 'super', bucket: 'heavy', units: 4, thinks: true });
    expect(c.resolve('grok-4.1-thinking')).toMatchObject({ displayName: 'Thinking', units: 4, thinks: true, aliases: ['grok-4.1.thinking'] });
    expect(c.resolve('grok-4.1.thinking')?.id).toBe('grok-4.1-thinking');
    expect(c.resolve('grok-imagine-1.0')).toMatchObject({ displayName: 'Imagine', kind: 'image', units: 4 });
  });

  it('an override with a new id and all required fields adds a model', () => {
    const c = buildCatalog([
      { id: 'grok-5', modelName: 'grok-5', modelMode: 'MODEL_MODE_GROK_5', rateLimitModel: 'grok-5', modeId: 'expert', aliases: ['g5'] },
    ]);
    expect(c.resolve('grok-5')).toEqual({
      id: 'grok-5',
      modelName: 'grok-5',
      modelMode: 'MODEL_MODE_GROK_5',
      rateLimitModel: 'grok-5',
      modeId: 'expert',
      aliases: ['g5'],
      units: 1,
      tier: 'basic',
      bucket: 'default',
      kind: 'chat',
      thinks: false,
      enabled: true,
    });
    expect(c.resolve('g5')?.id).toBe('grok-5');
    expect(c.list.at(-1)?.id).toBe('grok-5');
  });

  it('ignores an invalid override', () => {
    const overrides: ModelOverride[] = [
      { id: 'grok-new' }, // a new id without the required fields
      { id: 'grok-4', units: 1000 }, // out of range
    ];
    const c = buildCatalog(overrides);
    expect(c.resolve('grok-new')).toBeUndefined();
    expect(c.resolve('grok-4')?.units).toBe(1);
    expect(c.list).toHaveLength(DEFAULT_MODELS.length);
  });

  it('an id always wins over another model’s alias', () => {
    const c = buildCatalog([{ id: 'grok-4', aliases: ['grok-3'] }]);
    expect(c.resolve('grok-3')?.id).toBe('grok-3');
  });
});

describe('newest reference ids (spec §4.5)', () => {
  const c = buildCatalog([]);

  // id → mode (Profile B/C), Profile A fields, tier, bucket, units, kind, image method.
  const expected = [
    ['grok-chat-fast', { modeId: 'fast', modelName: 'grok-4-1-thinking-1129', modelMode: 'MODEL_MODE_FAST', tier: 'basic', bucket: 'default', units: 1, kind: 'chat' }],
    ['grok-chat-auto', { modeId: 'auto', modelName: 'grok-4', modelMode: 'MODEL_MODE_AUTO', tier: 'super', bucket: 'default', units: 1, kind: 'chat' }],
    ['grok-chat-expert', { modeId: 'expert', modelName: 'grok-4-1-thinking-1129', modelMode: 'MODEL_MODE_EXPERT', tier: 'super', bucket: 'default', units: 4, kind: 'chat' }],
    ['grok-chat-heavy', { modeId: 'heavy', modelName: 'grok-4', modelMode: 'MODEL_MODE_HEAVY', rateLimitModel: 'grok-4-heavy', tier: 'super', bucket: 'heavy', units: 4, kind: 'chat' }],
    ['grok-imagine-image-lite', { modeId: 'fast', modelName: 'grok-3', modelMode: 'MODEL_MODE_FAST', tier: 'basic', units: 4, kind: 'image', imageMethod: 'legacy' }],
    ['grok-imagine-image', { modeId: 'fast', modelName: 'grok-3', modelMode: 'MODEL_MODE_FAST', tier: 'basic', units: 4, kind: 'image', imageMethod: 'imagine_ws' }],
    ['grok-imagine-image-2.0', { modeId: 'fast', modelName: 'grok-3', modelMode: 'MODEL_MODE_FAST', tier: 'basic', units: 4, kind: 'image', imageMethod: 'imagine_ws_pro' }],
    ['grok-imagine-image-edit', { modelName: 'imagine-image-edit', modelMode: 'MODEL_MODE_FAST', rateLimitModel: 'grok-3', tier: 'basic', units: 4, kind: 'image_edit' }],
    ['grok-imagine-video', { modelName: 'imagine-video-gen', modelMode: 'MODEL_MODE_FAST', rateLimitModel: 'grok-3', tier: 'basic', units: 4, kind: 'video' }],
  ] as const;

  for (const [id, fields] of expected) {
    it(`${id}: ${fields.kind}, ${'modeId' in fields ? `mode ${fields.modeId}` : fields.modelName}, ${fields.tier}, ${fields.units} units`, () => {
      const m = c.resolve(id);
      expect(m).toMatchObject({ id, enabled: true, aliases: [], ...fields });
      if (!('modeId' in fields)) expect(m?.modeId).toBeUndefined();
      if (!('imageMethod' in fields)) expect(m?.imageMethod).toBeUndefined();
    });
  }

  it('edit and video ids have no mode id, like their grok-imagine-1.0 equivalents (Profile B sends modelName)', () => {
    for (const [id, old] of [
      ['grok-imagine-image-edit', 'grok-imagine-1.0-edit'],
      ['grok-imagine-video', 'grok-imagine-1.0-video'],
    ] as const) {
      const { modeId, kind, tier, bucket, units } = c.resolve(old)!;
      expect(c.resolve(id)).toMatchObject({ kind, tier, bucket, units });
      expect(c.resolve(id)!.modeId).toBe(modeId);
    }
  });

  it('grok-chat-heavy shares the heavy bucket and the ssoSuper tier with grok-4-heavy', () => {
    const heavy = c.resolve('grok-4-heavy')!;
    expect(c.resolve('grok-chat-heavy')).toMatchObject({ tier: heavy.tier, bucket: heavy.bucket, units: heavy.units, modeId: heavy.modeId, rateLimitModel: heavy.rateLimitModel });
  });

  it('every id of the original project is still there, unchanged in upstream fields, units and tier', () => {
    const original = {
      'grok-3': ['grok-3', 'MODEL_MODE_GROK_3', undefined, 1, 'basic'],
      'grok-3-mini': ['grok-3', 'MODEL_MODE_GROK_3_MINI_THINKING', undefined, 1, 'basic'],
      'grok-3-thinking': ['grok-3', 'MODEL_MODE_GROK_3_THINKING', undefined, 1, 'basic'],
      'grok-4': ['grok-4', 'MODEL_MODE_GROK_4', undefined, 1, 'basic'],
      'grok-4-mini': ['grok-4-mini', 'MODEL_MODE_GROK_4_MINI_THINKING', undefined, 1, 'basic'],
      'grok-4-thinking': ['grok-4', 'MODEL_MODE_GROK_4_THINKING', undefined, 1, 'basic'],
      'grok-4-heavy': ['grok-4', 'MODEL_MODE_HEAVY', 'heavy', 4, 'super'],
      'grok-4.1-mini': ['grok-4-1-thinking-1129', 'MODEL_MODE_GROK_4_1_MINI_THINKING', 'expert', 1, 'basic'],
      'grok-4.1-fast': ['grok-4-1-thinking-1129', 'MODEL_MODE_FAST', 'fast', 1, 'basic'],
      'grok-4.1-expert': ['grok-4-1-thinking-1129', 'MODEL_MODE_EXPERT', 'expert', 4, 'basic'],
      'grok-4.1-thinking': ['grok-4-1-thinking-1129', 'MODEL_MODE_GROK_4_1_THINKING', 'expert', 4, 'basic'],
      'grok-imagine-1.0': ['grok-3', 'MODEL_MODE_FAST', 'fast', 4, 'basic'],
      'grok-imagine-1.0-edit': ['imagine-image-edit', 'MODEL_MODE_FAST', undefined, 4, 'basic'],
      'grok-imagine-1.0-video': ['grok-3', 'MODEL_MODE_FAST', undefined, 4, 'basic'],
    } as const;
    for (const [id, [modelName, modelMode, modeId, units, tier]] of Object.entries(original)) {
      const m = c.resolve(id);
      expect(m, id).toMatchObject({ id, modelName, modelMode, units, tier });
      expect(m!.modeId, id).toBe(modeId);
      expect(m!.imageMethod, id).toBeUndefined();
    }
  });

  it('ids are unique and the new ones follow the old ones in the list', () => {
    const ids = c.list.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf('grok-chat-fast')).toBeGreaterThan(ids.indexOf('grok-imagine-1.0-video'));
    expect(ids.slice(-9)).toEqual(expected.map(([id]) => id));
  });

  it('an override can move an image model to another method', () => {
    const moved = buildCatalog([modelOverrideSchema.parse({ id: 'grok-imagine-image', imageMethod: 'legacy' })]);
    expect(moved.resolve('grok-imagine-image')).toMatchObject({ imageMethod: 'legacy', kind: 'image', units: 4 });
    expect(modelOverrideSchema.safeParse({ id: 'grok-imagine-image', imageMethod: 'websocket' }).success).toBe(false);
  });
});
