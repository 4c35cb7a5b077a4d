import { describe, expect, it } from 'vitest';
import { buildCatalog } from '@/lib/catalog/models';
import { buildChatPayload, buildRateLimitPayload } from './payload';

const catalog = buildCatalog([]);
const model = (id: string) => {
  const m = catalog.resolve(id);
  if (!m) throw new Error(`no model ${id}`);
  return m;
};

const input = (profile: 'A' | 'B', id: string) => ({
  profile,
  model: model(id),
  message: 'system: You are terse.\n\nWhat is 2+2?',
  temporary: true,
});

describe('buildChatPayload', () => {
  it('Profile A selects the model with modelName/modelMode and requestModelDetails, no modeId', () => {
    const body = buildChatPayload(input('A', 'grok-4.1-thinking'));
    expect(body).toMatchObject({
      modelName: 'grok-4-1-thinking-1129',
      modelMode: 'MODEL_MODE_GROK_4_1_THINKING',
      isReasoning: false,
      webpageUrls: [],
      responseMetadata: { requestModelDetails: { modelId: 'grok-4-1-thinking-1129' } },
      message: 'system: You are terse.\n\nWhat is 2+2?',
      temporary: true,
      fileAttachments: [],
      imageAttachments: [],
      imageGenerationCount: 2,
      sendFinalMetadata: true,
    });
    expect(body).not.toHaveProperty('modeId');
    expect(body).not.toHaveProperty('collectionIds');
  });

  it('Profile B with a model that has a modeId sends modeId and no Profile A fields', () => {
    const body = buildChatPayload({ ...input('B', 'grok-4.1-thinking'), fileAttachments: ['file-1'] });
    expect(body).toMatchObject({
      modeId: 'expert',
      collectionIds: [],
      connectors: [],
      searchAllConnectors: false,
      responseMetadata: {},
      fileAttachments: ['file-1'],
      deviceEnvInfo: { darkModeEnabled: false, devicePixelRatio: 2, screenWidth: 2056, screenHeight: 1329, viewportWidth: 2056, viewportHeight: 1083 },
    });
    expect(body.responseMetadata).toEqual({});
    for (const key of ['modelName', 'modelMode', 'isReasoning', 'webpageUrls']) expect(body, key).not.toHaveProperty(key);
  });

  it('Profile B without a modeId falls back to the Profile A fields', () => {
    const body = buildChatPayload(input('B', 'grok-3'));
    expect(body).toMatchObject({
      modelName: 'grok-3',
      modelMode: 'MODEL_MODE_GROK_3',
      responseMetadata: { requestModelDetails: { modelId: 'grok-3' } },
    });
    expect(body).not.toHaveProperty('modeId');
  });

  it('keeps modelConfigOverride, toolOverrides and the custom instruction', () => {
    const body = buildChatPayload({
      ...input('B', 'grok-4.1-thinking'),
      modelConfigOverride: { modelMap: { videoGenModelConfig: { aspectRatio: '3:2' } } },
      toolOverrides: { videoGen: true },
      customInstruction: 'Answer in French.',
    });
    expect(body.responseMetadata).toEqual({ modelConfigOverride: { modelMap: { videoGenModelConfig: { aspectRatio: '3:2' } } } });
    expect(body.toolOverrides).toEqual({ videoGen: true });
    expect(body.customPersonality).toBe('Answer in French.');
    expect(buildChatPayload(input('A', 'grok-3'))).not.toHaveProperty('customPersonality');
  });
});

describe('buildRateLimitPayload', () => {
  it('Profile A → requestKind DEFAULT with the rate-limit model', () => {
    expect(buildRateLimitPayload('A', model('grok-4.1-thinking'))).toEqual({ requestKind: 'DEFAULT', modelName: 'grok-4-1-thinking-1129' });
    expect(buildRateLimitPayload('A', model('grok-4-heavy'))).toEqual({ requestKind: 'DEFAULT', modelName: 'grok-4-heavy' });
  });
  it('Profile B → the modeId as modelName', () => {
    expect(buildRateLimitPayload('B', model('grok-4.1-thinking'))).toEqual({ modelName: 'expert' });
    expect(buildRateLimitPayload('B', model('grok-3-fast'))).toEqual({ modelName: 'fast' });
  });
  it('Profile B without a modeId falls back to the Profile A query', () => {
    expect(buildRateLimitPayload('B', model('grok-3'))).toEqual({ requestKind: 'DEFAULT', modelName: 'grok-3' });
  });
});
