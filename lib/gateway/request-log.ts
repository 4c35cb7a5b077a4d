/**
 * @module gateway/request-log
 * One log row per API request, written with `waitUntil` after the response (or the stream) ended. Ids are
 * random UUIDs, so concurrent requests never collide. Prompts are never stored; requests refused for a
 * missing or wrong key are only sampled (and without the model name they sent).
 */
import { insertLog } from '@/lib/db/logs';
import type { NewRequestLog } from '@/lib/db/schema';
import type { Db } from '@/lib/db/client';
import { toGatewayError } from '@/lib/errors';

type Fields = Partial<Omit<NewRequestLog, 'id' | 'createdAt' | 'durationMs'>>;

export interface RequestLog {
  set(fields: Fields): void;
  /** Marks the first content byte sent to the client. */
  firstByte(): void;
  finish(status: number, reason: string, extra?: Fields): void;
  fail(error: unknown, extra?: Fields): void;
}

/** Rows for requests without a valid key, per isolate and minute: enough to see probing, too few to fill D1. */
const UNAUTHENTICATED_ROWS_PER_MINUTE = 10;

function minuteBudget(limit: number) {
  let minute = -1;
  let used = 0;
  return {
    take(now: number): boolean {
      const m = Math.floor(now / 60_000);
      if (m !== minute) [minute, used] = [m, 0];
      return used++ < limit;
    },
  };
}
const unauthenticatedRows = minuteBudget(UNAUTHENTICATED_ROWS_PER_MINUTE);

export function createRequestLog(
  deps: { db: Db; waitUntil: (p: Promise<unknown>) => void; now?: () => number },
  base: { endpoint: string },
): RequestLog {
  const now = deps.now ?? Date.now;
  const started = now();
  const fields: Fields = { ...base };
  let ttft: number | undefined;
  let written = false;

  const write = (status: number, reason: string, extra?: Fields) => {
    if (written) return;
    written = true;
    const row: NewRequestLog = {
      endpoint: base.endpoint,
      ...fields,
      ...extra,
      id: crypto.randomUUID(),
      createdAt: started,
      status,
      reason,
      durationMs: now() - started,
      ttftMs: ttft ?? null,
    };
    // Retried once: a log row should survive a transient D1 hiccup.
    deps.waitUntil(insertLog(deps.db, row).catch(() => insertLog(deps.db, row)));
  };

  return {
    set: (f) => Object.assign(fields, f),
    firstByte: () => {
      ttft ??= now() - started;
    },
    finish: write,
    fail(error, extra) {
      const e = toGatewayError(error);
      if (e.status === 401 && !fields.keyId && !fields.keyName) {
        // Anyone can send these: keep a sample for the operator, never what the caller chose to write.
        if (!unauthenticatedRows.take(now())) {
          written = true;
          return;
        }
        delete fields.model;
      }
      write(e.status, e.code, { error: e.message.slice(0, 500), ...extra });
    },
  };
}
