import type { Settings, SettingKey } from '@/lib/settings/schema';

export type Control =
  | { kind: 'select'; options: readonly string[] }
  | { kind: 'switch' }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'text'; multiline?: boolean }
  | { kind: 'aliases' }
  | { kind: 'models' };

/** How each setting is edited and where it is shown; every key of the schema appears exactly once. */
export const GROUPS: { id: 'upstream' | 'output' | 'media' | 'reliability' | 'access' | 'models'; fields: { key: SettingKey; control: Control }[] }[] = [
  {
    id: 'upstream',
    fields: [
      { key: 'upstream_profile', control: { kind: 'select', options: ['A', 'B', 'C'] } },
      { key: 'statsig_mode', control: { kind: 'select', options: ['x1', 'e', 'static'] } },
      { key: 'statsig_static_value', control: { kind: 'text' } },
      { key: 'user_agent', control: { kind: 'text' } },
      { key: 'cf_cookies', control: { kind: 'text', multiline: true } },
      { key: 'temporary_chats', control: { kind: 'switch' } },
      { key: 'custom_instruction', control: { kind: 'text', multiline: true } },
    ],
  },
  {
    id: 'output',
    fields: [
      { key: 'reasoning_output', control: { kind: 'select', options: ['reasoning_content', 'think_tags', 'hidden'] } },
      { key: 'keepalive_seconds', control: { kind: 'number', min: 1, max: 120 } },
      { key: 'tool_calling', control: { kind: 'select', options: ['emulate', 'off'] } },
    ],
  },
  {
    id: 'media',
    fields: [
      { key: 'image_generation_method', control: { kind: 'select', options: ['legacy', 'imagine_ws'] } },
      { key: 'public_base_url', control: { kind: 'text' } },
      { key: 'trust_proxy_headers', control: { kind: 'switch' } },
      { key: 'media_link_ttl_hours', control: { kind: 'number', min: 1, max: 8760 } },
      { key: 'image_upload_max_mb', control: { kind: 'number', min: 1, max: 50 } },
      { key: 'video_timeout_seconds', control: { kind: 'number', min: 30, max: 1800 } },
    ],
  },
  {
    id: 'reliability',
    fields: [
      { key: 'max_retries', control: { kind: 'number', min: 0, max: 5 } },
      { key: 'first_frame_timeout_seconds', control: { kind: 'number', min: 5, max: 600 } },
      { key: 'idle_timeout_seconds', control: { kind: 'number', min: 5, max: 600 } },
      { key: 'rate_limit_cooldown_seconds', control: { kind: 'number', min: 10, max: 86400 } },
      { key: 'transient_cooldown_seconds', control: { kind: 'number', min: 0, max: 3600 } },
      { key: 'transient_failures_per_minute', control: { kind: 'number', min: 1, max: 100 } },
      { key: 'account_max_concurrency', control: { kind: 'number', min: 0, max: 50 } },
      { key: 'account_busy_wait_seconds', control: { kind: 'number', min: 0, max: 60 } },
      { key: 'quality_guard', control: { kind: 'switch' } },
      { key: 'quality_max_chars_per_second', control: { kind: 'number', min: 100, max: 1000000 } },
      { key: 'quality_suspect_answers', control: { kind: 'number', min: 1, max: 50 } },
      { key: 'quarantine_seconds', control: { kind: 'number', min: 0, max: 604800 } },
      { key: 'quota_sync_interval_seconds', control: { kind: 'number', min: 0, max: 86400 } },
    ],
  },
  {
    id: 'access',
    fields: [
      { key: 'open_access', control: { kind: 'switch' } },
      { key: 'log_retention_days', control: { kind: 'number', min: 1, max: 365 } },
    ],
  },
  {
    id: 'models',
    fields: [
      { key: 'model_aliases', control: { kind: 'aliases' } },
      { key: 'models', control: { kind: 'models' } },
    ],
  },
];

export type SettingsValues = Settings;
