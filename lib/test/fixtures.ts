/**
 * Shared fixtures for unit tests over a `testDb()`: a `Platform` over its D1 whose `waitUntil` work the test
 * can await, and rows for the tables most tests seed.
 */
import type { Platform } from '@/lib/platform';
import type { apiKeys, requestLogs, tokens } from '@/lib/db/schema';

export const TEST_SECRET = 'unit-test-secret-0123456789abcdef';

/** A platform over `d1`; `settle()` awaits everything handed to `waitUntil` (also work queued while settling). */
export function testPlatform(d1: D1Database, env: Partial<Platform['env']> = {}) {
  const pending: Promise<unknown>[] = [];
  const platform = {
    env: { SECRET_KEY: TEST_SECRET, CACHE_RESET_TZ_OFFSET_MINUTES: 0, GROK_BASE_URL: 'https://grok.test', SERVED_ON_LOOPBACK: false, ...env },
    bindings: { DB: d1 },
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    fetch: (() => Promise.reject(new Error('no upstream in unit tests'))) as unknown as typeof fetch,
    d1: { statements: 0, roundTrips: 0 },
  } as unknown as Platform;
  const settle = async () => {
    while (pending.length) await Promise.all(pending.splice(0));
  };
  return { platform, settle };
}

export const tokenRow = (id: string, extra: Partial<typeof tokens.$inferInsert> = {}): typeof tokens.$inferInsert => ({
  id,
  tokenHash: `h-${id}`,
  tokenEnc: 'e',
  suffix: id.padStart(6, '0'),
  type: 'sso',
  createdAt: 0,
  ...extra,
});

export const keyRow = (id: string, extra: Partial<typeof apiKeys.$inferInsert> = {}): typeof apiKeys.$inferInsert => ({
  id,
  name: `key ${id}`,
  keyHash: `kh-${id}`,
  prefix: 'sk-g2a-test',
  status: 'active',
  limits: {},
  createdAt: 0,
  ...extra,
});

let logSeq = 0;
export const logRow = (extra: Partial<typeof requestLogs.$inferInsert> = {}): typeof requestLogs.$inferInsert => ({
  id: `log-${++logSeq}`,
  createdAt: 0,
  endpoint: '/v1/chat/completions',
  status: 200,
  reason: 'ok',
  durationMs: 100,
  ...extra,
});

/**
 * `d1` whose next `failures` statements fail the way a transient D1 error does (the binding's API, not
 * drizzle's: drizzle still builds and sends every query).
 */
export function flakyD1(d1: D1Database, failures: number): D1Database {
  const fail = <T>(go: () => Promise<T>) => (failures-- > 0 ? Promise.reject(new Error('D1_ERROR: network connection lost')) : go());
  const wrap = (s: D1PreparedStatement): D1PreparedStatement =>
    ({
      bind: (...v: unknown[]) => wrap(s.bind(...v)),
      run: () => fail(() => s.run()),
      all: () => fail(() => s.all()),
      first: (c?: string) => fail(() => (c === undefined ? s.first() : s.first(c))),
      raw: (o?: { columnNames: true }) => fail(() => s.raw(o as { columnNames: true })),
    }) as unknown as D1PreparedStatement;
  return { prepare: (q: string) => wrap(d1.prepare(q)), batch: d1.batch.bind(d1), exec: d1.exec.bind(d1) } as unknown as D1Database;
}
