/**
 * @module config/field-meta
 * Where each setting is shown on the config page and, where its schema type leaves it open, how it is edited.
 * Enum options and number ranges are read from `lib/settings/schema.ts`; `field-meta.test.ts` checks that every
 * setting appears in exactly one group.
 */
import { z } from 'zod';
import { settingsSchema, type SettingKey } from '@/lib/settings/schema';

export type Control =
  | { kind: 'select'; options: readonly string[] }
  | { kind: 'switch' }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'text'; multiline?: boolean }
  | { kind: 'aliases' }
  | { kind: 'models' };

type GroupId = 'upstream' | 'output' | 'media' | 'reliability' | 'access' | 'models';

/** The page's groups and the order of their fields. */
const LAYOUT: { id: GroupId; keys: SettingKey[] }[] = [
  {
    id: 'upstream',
    keys: ['upstream_profile', 'statsig_mode', 'statsig_static_value', 'user_agent', 'cf_cookies', 'temporary_chats', 'custom_instruction'],
  },
  { id: 'output', keys: ['reasoning_output', 'keepalive_seconds', 'tool_calling'] },
  {
    id: 'media',
    keys: ['image_generation_method', 'public_base_url', 'trust_proxy_headers', 'media_link_ttl_hours', 'image_upload_max_mb', 'video_timeout_seconds'],
  },
  {
    id: 'reliability',
    keys: [
      'max_retries',
      'first_frame_timeout_seconds',
      'idle_timeout_seconds',
      'rate_limit_cooldown_seconds',
      'transient_cooldown_seconds',
      'transient_failures_per_minute',
      'account_max_concurrency',
      'account_busy_wait_seconds',
      'quality_guard',
      'quality_max_chars_per_second',
      'quality_suspect_answers',
      'quarantine_seconds',
      'quota_sync_interval_seconds',
    ],
  },
  { id: 'access', keys: ['open_access', 'log_retention_days'] },
  { id: 'models', keys: ['model_aliases', 'models'] },
];

/** Controls the schema type does not decide: long strings, the URL union, and the record and array editors. */
const CONTROL_HINTS: Partial<Record<SettingKey, Control>> = {
  cf_cookies: { kind: 'text', multiline: true },
  custom_instruction: { kind: 'text', multiline: true },
  public_base_url: { kind: 'text' },
  model_aliases: { kind: 'aliases' },
  models: { kind: 'models' },
};

/** The control for a setting: its hint, else derived from the schema (enum → select, boolean → switch, number → range, string → text). */
function controlFor(key: SettingKey): Control {
  const hint = CONTROL_HINTS[key];
  if (hint) return hint;
  const field = settingsSchema.shape[key];
  const inner = field instanceof z.ZodDefault ? field.unwrap() : field;
  if (inner instanceof z.ZodEnum) return { kind: 'select', options: inner.options };
  if (inner instanceof z.ZodBoolean) return { kind: 'switch' };
  if (inner instanceof z.ZodString) return { kind: 'text' };
  if (inner instanceof z.ZodNumber) {
    if (inner.minValue === null || inner.maxValue === null) throw new Error(`setting ${key} needs .min() and .max() for the config form`);
    return { kind: 'number', min: inner.minValue, max: inner.maxValue };
  }
  throw new Error(`setting ${key} needs a control hint in components/config/field-meta.ts`);
}

/** How each setting is edited and where it is shown. */
export const GROUPS: { id: GroupId; fields: { key: SettingKey; control: Control }[] }[] = LAYOUT.map(({ id, keys }) => ({
  id,
  fields: keys.map((key) => ({ key, control: controlFor(key) })),
}));
