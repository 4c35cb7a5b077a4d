/**
 * @module db/schema
 * D1 tables. Times are ms since epoch (integers). Row types are inferred next to each table.
 */
import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';

/** grok.com accounts. The sso value is stored encrypted; `tokenHash` dedupes imports without decrypting. */
export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    tokenEnc: text('token_enc').notNull(),
    /** Last characters of the raw token, for display and logs. */
    suffix: text('suffix').notNull(),
    type: text('type', { enum: ['sso', 'ssoSuper'] }).notNull(),
    /** `active` | `invalid` (dead credentials) | `disabled` (by the operator). Cooling is `cooldownUntil > now`. */
    status: text('status', { enum: ['active', 'invalid', 'disabled'] }).notNull().default('active'),
    cooldownUntil: integer('cooldown_until'),
    /** Consecutive failures since the last success (shown to the operator, weighs selection). */
    failedCount: integer('failed_count').notNull().default(0),
    /** Transient failures in the current run, each within a minute of the previous: cools at the allowed count. */
    recentFailures: integer('recent_failures').notNull().default(0),
    lastFailureAt: integer('last_failure_at'),
    lastFailureReason: text('last_failure_reason'),
    /**
     * Set when the quality guard flagged an answer of this account (pool/quality): out of selection until a
     * probe after this time comes back clean (which clears it) or dirty (which disables the account).
     */
    quarantinedUntil: integer('quarantined_until'),
    quarantineReason: text('quarantine_reason'),
    /** The model whose answer was flagged: the probe asks the same of the account. */
    quarantineModel: text('quarantine_model'),
    /** Quarantines so far; the probe after a repeat disables the account instead of releasing it. */
    quarantineCount: integer('quarantine_count').notNull().default(0),
    /** Empty or moderated answers in a row: only a run of them says something about the account. */
    suspectAnswers: integer('suspect_answers').notNull().default(0),
    /** −1 = unknown. */
    remainingQueries: integer('remaining_queries').notNull().default(-1),
    heavyRemainingQueries: integer('heavy_remaining_queries').notNull().default(-1),
    /** When each bucket's quota window resets, from the rate-limit query (spec E5, §7.5); null = unknown. */
    quotaResetAt: integer('quota_reset_at'),
    heavyQuotaResetAt: integer('heavy_quota_reset_at'),
    quotaSyncedAt: integer('quota_synced_at'),
    lastUsedAt: integer('last_used_at'),
    useCount: integer('use_count').notNull().default(0),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    note: text('note').notNull().default(''),
    userId: text('user_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('tokens_pick_idx').on(t.status, t.type, t.cooldownUntil)],
);
export type TokenRow = typeof tokens.$inferSelect;

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  /** First characters of the key, shown in lists ("sk-g2a-AbCd…"). */
  prefix: text('prefix').notNull(),
  status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
  expiresAt: integer('expires_at'),
  /** null = every model. */
  models: text('models', { mode: 'json' }).$type<string[] | null>(),
  limits: text('limits', { mode: 'json' }).$type<KeyLimits>().notNull().default({}),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
});
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export interface KeyLimits {
  chatPerDay?: number;
  heavyPerDay?: number;
  imagePerDay?: number;
  videoPerDay?: number;
  rpm?: number;
  concurrency?: number;
}

/** Counters per key and window ("d:2026-11-26" for daily quotas, "m:<minute>" for RPM). */
export const keyUsage = sqliteTable(
  'key_usage',
  {
    keyId: text('key_id').notNull(),
    window: text('window').notNull(),
    bucket: text('bucket').notNull(),
    count: integer('count').notNull().default(0),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.window, t.bucket] })],
);

/** In-flight requests per key, for the concurrency limit. Leases expire so a crashed isolate cannot leak them. */
export const keyLeases = sqliteTable(
  'key_leases',
  {
    id: text('id').primaryKey(),
    keyId: text('key_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('key_leases_key_idx').on(t.keyId, t.expiresAt)],
);

/** One row per request in flight on an account (per-account concurrency); lapses after its TTL if orphaned. */
export const accountLeases = sqliteTable(
  'account_leases',
  {
    id: text('id').primaryKey(),
    tokenId: text('token_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('account_leases_token_idx').on(t.tokenId, t.expiresAt)],
);

export const adminUsers = sqliteTable('admin_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
export type AdminUserRow = typeof adminUsers.$inferSelect;

/** Session ids are random; only their SHA-256 is stored. */
export const sessions = sqliteTable('sessions', {
  idHash: text('id_hash').primaryKey(),
  userId: text('user_id').notNull(),
  expiresAt: integer('expires_at').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Failed logins per (username, client) for throttling. */
export const loginAttempts = sqliteTable('login_attempts', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: integer('locked_until'),
  updatedAt: integer('updated_at').notNull(),
});

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Small operational facts (last challenge seen, last prune) that are not operator settings. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** One row per API request. Prompts are never stored. */
export const requestLogs = sqliteTable(
  'request_logs',
  {
    id: text('id').primaryKey(),
    createdAt: integer('created_at').notNull(),
    endpoint: text('endpoint').notNull(),
    keyId: text('key_id'),
    keyName: text('key_name'),
    model: text('model'),
    stream: integer('stream', { mode: 'boolean' }).notNull().default(false),
    tokenId: text('token_id'),
    tokenSuffix: text('token_suffix'),
    status: integer('status').notNull(),
    /** Stable machine code: `ok`, `rate_limited`, `upstream_challenge`, `invalid_api_key`, … */
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull().default(0),
    durationMs: integer('duration_ms').notNull(),
    ttftMs: integer('ttft_ms'),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    error: text('error'),
  },
  (t) => [
    index('request_logs_created_idx').on(t.createdAt),
    index('request_logs_key_idx').on(t.keyId, t.createdAt),
    /** An account's latest outcomes (the accounts page strip) read only those rows. */
    index('request_logs_token_idx').on(t.tokenId, t.createdAt),
  ],
);
export type RequestLogRow = typeof requestLogs.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;

/**
 * The pool's state over time (data center capacity chart): one row per 10-minute slot, written lazily from
 * requests (gateway/pool-snapshot), pruned with the log retention. `at` is the slot's start.
 */
export const poolSnapshots = sqliteTable('pool_snapshots', {
  at: integer('at').primaryKey(),
  /** Ready to serve: active, not cooling, not quarantined. */
  available: integer('available').notNull().default(0),
  cooling: integer('cooling').notNull().default(0),
  quarantined: integer('quarantined').notNull().default(0),
  invalid: integer('invalid').notNull().default(0),
  disabled: integer('disabled').notNull().default(0),
});

/** Async video jobs (`POST /v1/videos`): state survives isolate restarts. */
export const videoJobs = sqliteTable(
  'video_jobs',
  {
    id: text('id').primaryKey(),
    keyId: text('key_id'),
    model: text('model').notNull(),
    status: text('status', { enum: ['queued', 'in_progress', 'completed', 'failed'] }).notNull(),
    progress: integer('progress').notNull().default(0),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    tokenId: text('token_id'),
    videoPath: text('video_path'),
    thumbnailPath: text('thumbnail_path'),
    error: text('error', { mode: 'json' }).$type<{ message: string; code: string } | null>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('video_jobs_key_idx').on(t.keyId, t.createdAt)],
);
export type VideoJobRow = typeof videoJobs.$inferSelect;
