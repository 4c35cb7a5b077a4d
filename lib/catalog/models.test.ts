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
