/**
 * @module settings/schema
 * Every operator setting, its default and its validation. The config page, `PUT /api/admin/settings` and the
 * gateway all read this one schema; a setting that is listed here must change behaviour somewhere.
 */
import { z } from 'zod';
import { modelOverrideSchema } from '@/lib/catalog/models';

const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36';

/**
 * Sent upstream as a header: a line break or a character outside printable ASCII makes `fetch` refuse every
 * request (header values are byte strings), so it is refused here, at save time.
 */
const headerValue = z.string().regex(/^[\t\x20-\x7e]*$/, 'must be a single line of printable ASCII');

export const settingsSchema = z.object({
  // upstream
  upstream_profile: z.enum(['A', 'B', 'C']).default('B'),
  statsig_mode: z.enum(['x1', 'e', 'static']).default('x1'),
  statsig_static_value: headerValue.max(500).default(''),
  user_agent: headerValue.min(10).max(500).default(DEFAULT_USER_AGENT),
  cf_cookies: headerValue.max(4000).default(''),
  temporary_chats: z.boolean().default(true),
  custom_instruction: z.string().max(4000).default(''),
  // output
  reasoning_output: z.enum(['reasoning_content', 'think_tags', 'hidden']).default('reasoning_content'),
  keepalive_seconds: z.number().int().min(1).max(120).default(15),
  tool_calling: z.enum(['emulate', 'off']).default('emulate'),
  /** Model names clients send (e.g. Claude names from Claude Code) → catalog ids. */
  model_aliases: z.record(z.string().min(1).max(100), z.string().min(1).max(100)).default({}),
  // media
  image_generation_method: z.enum(['legacy', 'imagine_ws']).default('legacy'),
  /** Base URL of media links when clients reach the gateway through a URL it cannot see (CDN, path prefix). */
  public_base_url: z
    .union([z.literal(''), z.url({ protocol: /^https?$/ }).max(500)])
    .default(''),
  /** Honour X-Forwarded-Host/-Proto: only behind a reverse proxy that sets them. */
  trust_proxy_headers: z.boolean().default(false),
  media_link_ttl_hours: z.number().int().min(1).max(24 * 365).default(168),
  image_upload_max_mb: z.number().int().min(1).max(50).default(20),
  video_timeout_seconds: z.number().int().min(30).max(1800).default(600),
  // reliability
  max_retries: z.number().int().min(0).max(5).default(2),
  first_frame_timeout_seconds: z.number().int().min(5).max(600).default(60),
  idle_timeout_seconds: z.number().int().min(5).max(600).default(120),
  rate_limit_cooldown_seconds: z.number().int().min(10).max(86400).default(3600),
  transient_cooldown_seconds: z.number().int().min(0).max(3600).default(30),
  transient_failures_per_minute: z.number().int().min(1).max(100).default(3),
  /** Requests one account serves at once (0 = unlimited): parallel conversations from one cookie look like a bot. */
  account_max_concurrency: z.number().int().min(0).max(50).default(1),
  /** How long a request waits, in order, for a busy account before 429. */
  account_busy_wait_seconds: z.number().int().min(0).max(60).default(10),
  /** Flags accounts whose answers look downgraded (pool/quality) and quarantines them. */
  quality_guard: z.boolean().default(true),
  /** Faster than this (characters of answer per second) is not the upstream generating. */
  quality_max_chars_per_second: z.number().int().min(100).max(1_000_000).default(5000),
  /** Suspect answers in a row (no thinking, empty, moderated) before an account is quarantined. */
  quality_suspect_answers: z.number().int().min(1).max(50).default(3),
  /** How long a quarantined account stays out before its probe. */
  quarantine_seconds: z.number().int().min(0).max(7 * 86400).default(1800),
  quota_sync_interval_seconds: z.number().int().min(0).max(86400).default(300),
  // access and housekeeping
  open_access: z.boolean().default(false),
  log_retention_days: z.number().int().min(1).max(365).default(30),
  models: z.array(modelOverrideSchema).max(200).default([]),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** Validates a partial update; returns field errors keyed by setting name. */
export function validateSettingsPatch(input: unknown):
  | { ok: true; patch: Partial<Settings> }
  | { ok: false; fieldErrors: Record<string, string> } {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, fieldErrors: { _: 'expected an object of settings' } };
  }
  const fieldErrors: Record<string, string> = {};
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const field = settingsSchema.shape[key as SettingKey];
    if (!field) {
      fieldErrors[key] = 'unknown setting';
      continue;
    }
    const r = field.safeParse(value);
    if (r.success) patch[key] = r.data;
    else fieldErrors[key] = r.error.issues.map((i) => i.message).join('; ');
  }
  return Object.keys(fieldErrors).length ? { ok: false, fieldErrors } : { ok: true, patch: patch as Partial<Settings> };
}
