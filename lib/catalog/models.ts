/**
 * @module catalog/models
 * The model catalog (spec §4.1, §4.3, §4.5, §4.6) as data. Defaults live here; the `models` setting can add,
 * rename or disable entries without a redeploy.
 */
import { z } from 'zod';

/** Field validators without defaults, so an override names only what it changes. */
const modelFields = {
  id: z.string().min(1).max(100),
  displayName: z.string().max(100).optional(),
  /** Profile A: `modelName` + `modelMode`. */
  modelName: z.string().min(1),
  modelMode: z.string().min(1),
  /** Profile B: `modeId`; when absent, Profile B falls back to the Profile A fields (spec §4.3). */
  modeId: z.string().optional(),
  /** Model name for the rate-limit query (E5, Profile A). */
  rateLimitModel: z.string().min(1),
  /** Local quota units per request when the live count is unknown. */
  units: z.number().int().min(0).max(100),
  /** `super` models only run on ssoSuper accounts; `basic` models prefer sso and fall back to ssoSuper. */
  tier: z.enum(['basic', 'super']),
  /** Which account quota bucket the model draws from. */
  bucket: z.enum(['default', 'heavy']),
  kind: z.enum(['chat', 'image', 'image_edit', 'video']),
  /**
   * Image models only: how `/v1/images/generations` produces the images — `legacy` (chat rounds, §6.1),
   * `imagine_ws` (Imagine WebSocket, §6.2) or `imagine_ws_pro` (the same with `enable_pro`). Absent: the
   * `image_generation_method` setting decides.
   */
  imageMethod: z.enum(['legacy', 'imagine_ws', 'imagine_ws_pro']).optional(),
  thinks: z.boolean(),
  aliases: z.array(z.string()),
  enabled: z.boolean(),
};

const modelEntrySchema = z.object({
  ...modelFields,
  units: modelFields.units.default(1),
  tier: modelFields.tier.default('basic'),
  bucket: modelFields.bucket.default('default'),
  kind: modelFields.kind.default('chat'),
  thinks: modelFields.thinks.default(false),
  aliases: modelFields.aliases.default([]),
  enabled: modelFields.enabled.default(true),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** An operator override: `id` plus any fields to change (a new id adds a model). */
export const modelOverrideSchema = z.object(modelFields).partial().extend({ id: modelFields.id });
export type ModelOverride = z.infer<typeof modelOverrideSchema>;

type Def = Omit<z.input<typeof modelEntrySchema>, 'modelName' | 'modelMode' | 'rateLimitModel'> & {
  a: [modelName: string, modelMode: string];
  rl?: string;
};

const DEFS: Def[] = [
  { id: 'grok-3', displayName: 'Grok 3', a: ['grok-3', 'MODEL_MODE_GROK_3'] },
  { id: 'grok-3-fast', displayName: 'Grok 3 Fast', a: ['grok-3', 'MODEL_MODE_FAST'], modeId: 'fast' },
  { id: 'grok-3-mini', displayName: 'Grok 3 Mini', a: ['grok-3', 'MODEL_MODE_GROK_3_MINI_THINKING'], thinks: true },
  { id: 'grok-3-thinking', displayName: 'Grok 3 Thinking', a: ['grok-3', 'MODEL_MODE_GROK_3_THINKING'], thinks: true },
  { id: 'grok-4', displayName: 'Grok 4', a: ['grok-4', 'MODEL_MODE_GROK_4'] },
  { id: 'grok-4-mini', displayName: 'Grok 4 Mini', a: ['grok-4-mini', 'MODEL_MODE_GROK_4_MINI_THINKING'], thinks: true },
  { id: 'grok-4-fast', displayName: 'Grok 4 Fast', a: ['grok-4-mini-thinking-tahoe', 'MODEL_MODE_GROK_4_MINI_THINKING'], thinks: true },
  { id: 'grok-4-thinking', displayName: 'Grok 4 Thinking', a: ['grok-4', 'MODEL_MODE_GROK_4_THINKING'], thinks: true },
  { id: 'grok-4-expert', displayName: 'Grok 4 Expert', a: ['grok-4', 'MODEL_MODE_EXPERT'], modeId: 'expert', units: 4, thinks: true },
  { id: 'grok-4-heavy', displayName: 'Grok 4 Heavy', a: ['grok-4', 'MODEL_MODE_HEAVY'], modeId: 'heavy', rl: 'grok-4-heavy', units: 4, tier: 'super', bucket: 'heavy', thinks: true },
  { id: 'grok-4.1', displayName: 'Grok 4.1', a: ['grok-4-1-non-thinking-w-tool', 'MODEL_MODE_GROK_4_1'] },
  { id: 'grok-4.1-mini', displayName: 'Grok 4.1 Mini', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_GROK_4_1_MINI_THINKING'], modeId: 'expert', thinks: true },
  { id: 'grok-4.1-fast', displayName: 'Grok 4.1 Fast', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_FAST'], modeId: 'fast' },
  { id: 'grok-4.1-expert', displayName: 'Grok 4.1 Expert', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_EXPERT'], modeId: 'expert', units: 4, thinks: true },
  { id: 'grok-4.1-thinking', displayName: 'Grok 4.1 Thinking', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_GROK_4_1_THINKING'], modeId: 'expert', units: 4, thinks: true, aliases: ['grok-4.1.thinking'] },
  { id: 'grok-4.20-beta', displayName: 'Grok 4.20 Beta', a: ['grok-420', 'MODEL_MODE_GROK_420'], modeId: 'expert' },
  { id: 'grok-imagine-1.0', displayName: 'Grok Imagine 1.0', a: ['grok-3', 'MODEL_MODE_FAST'], modeId: 'fast', rl: 'grok-3', units: 4, kind: 'image' },
  { id: 'grok-imagine-1.0-edit', displayName: 'Grok Imagine 1.0 Edit', a: ['imagine-image-edit', 'MODEL_MODE_FAST'], rl: 'grok-3', units: 4, kind: 'image_edit' },
  { id: 'grok-imagine-1.0-video', displayName: 'Grok Imagine 1.0 Video', a: ['grok-3', 'MODEL_MODE_FAST'], rl: 'grok-3', units: 4, kind: 'video' },
  // The newest reference's ids (spec §4.5). Upstream they name only a mode; the Profile A fields are the
  // same mode's equivalents from §4.1/§4.3, and units, bucket and tier follow the older ids of that mode.
  { id: 'grok-chat-fast', displayName: 'Grok Chat Fast', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_FAST'], modeId: 'fast' },
  { id: 'grok-chat-auto', displayName: 'Grok Chat Auto', a: ['grok-4', 'MODEL_MODE_AUTO'], modeId: 'auto', tier: 'super', thinks: true },
  { id: 'grok-chat-expert', displayName: 'Grok Chat Expert', a: ['grok-4-1-thinking-1129', 'MODEL_MODE_EXPERT'], modeId: 'expert', units: 4, tier: 'super', thinks: true },
  { id: 'grok-chat-heavy', displayName: 'Grok Chat Heavy', a: ['grok-4', 'MODEL_MODE_HEAVY'], modeId: 'heavy', rl: 'grok-4-heavy', units: 4, tier: 'super', bucket: 'heavy', thinks: true },
  // Media ids take the paths of their grok-imagine-1.0 equivalents; only the image method differs.
  { id: 'grok-imagine-image-lite', displayName: 'Grok Imagine Image Lite', a: ['grok-3', 'MODEL_MODE_FAST'], modeId: 'fast', rl: 'grok-3', units: 4, kind: 'image', imageMethod: 'legacy' },
  { id: 'grok-imagine-image', displayName: 'Grok Imagine Image', a: ['grok-3', 'MODEL_MODE_FAST'], modeId: 'fast', rl: 'grok-3', units: 4, kind: 'image', imageMethod: 'imagine_ws' },
  { id: 'grok-imagine-image-2.0', displayName: 'Grok Imagine Image 2.0', a: ['grok-3', 'MODEL_MODE_FAST'], modeId: 'fast', rl: 'grok-3', units: 4, kind: 'image', imageMethod: 'imagine_ws_pro' },
  { id: 'grok-imagine-image-edit', displayName: 'Grok Imagine Image Edit', a: ['imagine-image-edit', 'MODEL_MODE_FAST'], rl: 'grok-3', units: 4, kind: 'image_edit' },
  { id: 'grok-imagine-video', displayName: 'Grok Imagine Video', a: ['imagine-video-gen', 'MODEL_MODE_FAST'], rl: 'grok-3', units: 4, kind: 'video' },
];

export const DEFAULT_MODELS: readonly ModelEntry[] = DEFS.map(({ a, rl, ...rest }) =>
  modelEntrySchema.parse({ ...rest, modelName: a[0], modelMode: a[1], rateLimitModel: rl ?? a[0] }),
);

export interface Catalog {
  /** Enabled models in display order. */
  list: ModelEntry[];
  /** Resolves an id or alias of an enabled model. */
  resolve(id: string): ModelEntry | undefined;
}

/** Merges operator overrides over the defaults; an override with a new id adds a model. */
export function buildCatalog(overrides: readonly ModelOverride[], aliases: Readonly<Record<string, string>> = {}): Catalog {
  const byId = new Map<string, ModelEntry>(DEFAULT_MODELS.map((m) => [m.id, m]));
  for (const o of overrides) {
    const base = byId.get(o.id);
    const merged = modelEntrySchema.safeParse({ ...(base ?? {}), ...o });
    if (merged.success) byId.set(o.id, merged.data);
  }
  const list = [...byId.values()].filter((m) => m.enabled);
  const index = new Map<string, ModelEntry>();
  for (const m of list) for (const alias of m.aliases) index.set(alias, m);
  // Operator aliases (e.g. a Claude model name → grok-4) never shadow a real id.
  for (const [alias, target] of Object.entries(aliases)) {
    const m = list.find((x) => x.id === target) ?? index.get(target);
    if (m && !byId.has(alias)) index.set(alias, m);
  }
  for (const m of list) index.set(m.id, m);
  return { list, resolve: (id) => index.get(id) };
}
