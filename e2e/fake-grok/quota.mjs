// Per-token, per-model query counters (spec §7.5): what E1 consumes and what
// E5 (`POST /rest/rate-limits`) reports.

const HIGH_COST_MODES = new Set([
  'MODEL_MODE_EXPERT',
  'MODEL_MODE_HEAVY',
  'MODEL_MODE_GROK_4_1_THINKING',
]);
const HIGH_COST_MODE_IDS = new Set(['expert', 'heavy']);

/** Retry-After (seconds) sent with a quota 429. */
export const QUOTA_RETRY_AFTER = 60;

/**
 * Counter key and cost of one conversation request.
 * Profile B (`modeId`) counts on the mode name, Profile A on the rate-limit
 * model name of spec §4.1 (= `modelName`, except that MODEL_MODE_HEAVY has its
 * own `grok-4-heavy` bucket and `imagine-image-edit` counts on `grok-3`).
 */
export function chatQuota(body) {
  if (typeof body.modeId === 'string' && body.modeId) {
    return { key: body.modeId, cost: HIGH_COST_MODE_IDS.has(body.modeId) ? 4 : 1 };
  }
  let key = typeof body.modelName === 'string' && body.modelName ? body.modelName : 'unknown';
  if (body.modelMode === 'MODEL_MODE_HEAVY') key = 'grok-4-heavy';
  if (key === 'imagine-image-edit') key = 'grok-3';
  return { key, cost: HIGH_COST_MODES.has(body.modelMode) ? 4 : 1 };
}

/**
 * A counter's window is fixed: it starts at the counter's first use (or control-API set) and lasts the
 * `quotaWindowSeconds` in force then, like an account's plan — changing the option later only affects
 * windows that start afterwards. So accounts can report different windows and reset times (E5
 * `windowSizeSeconds`, and `waitTimeSeconds` once exhausted).
 */
function counter(state, token, key, now) {
  const id = `${token}\n${key}`;
  let c = state.counters.get(id);
  if (!c || now - c.windowStart >= c.windowSeconds * 1000) {
    c = { used: 0, windowStart: now, windowSeconds: state.options.quotaWindowSeconds };
    state.counters.set(id, c);
  }
  return c;
}

function snapshot(state, c, now) {
  const total = state.options.quotaTotal;
  const remaining = Math.max(0, total - c.used);
  const waitTimeSeconds = Math.max(0, Math.ceil((c.windowStart + c.windowSeconds * 1000 - now) / 1000));
  return { total, remaining, waitTimeSeconds };
}

/**
 * Take `cost` units. Returns false (nothing taken) when the counter is already
 * exhausted; a partially covered cost empties the counter.
 */
export function consume(state, token, { key, cost }, now = Date.now()) {
  const c = counter(state, token, key, now);
  if (snapshot(state, c, now).remaining <= 0) return false;
  c.used = Math.min(state.options.quotaTotal, c.used + cost);
  return true;
}

/** Force the remaining count of one counter (control API). */
export function setRemaining(state, token, key, remaining, now = Date.now()) {
  const c = counter(state, token, key, now);
  c.used = Math.max(0, state.options.quotaTotal - remaining);
}

/**
 * Body of an E5 answer. Profile A requests (with `requestKind`) get the long
 * form, Profile B requests the slim form (spec §7.5).
 */
export function rateLimitsBody(state, token, body, now = Date.now()) {
  const c = counter(state, token, body.modelName, now);
  const { total, remaining, waitTimeSeconds } = snapshot(state, c, now);
  const windowSizeSeconds = c.windowSeconds;
  if ('requestKind' in body) {
    const high = Math.floor(remaining / 4);
    return {
      windowSizeSeconds,
      remainingQueries: remaining,
      totalQueries: total,
      remainingTokens: remaining,
      totalTokens: total,
      lowEffortRateLimits: {
        cost: 1,
        remainingQueries: remaining,
        waitTimeSeconds: remaining > 0 ? 0 : waitTimeSeconds,
      },
      highEffortRateLimits: {
        cost: 4,
        remainingQueries: high,
        waitTimeSeconds: high > 0 ? 0 : waitTimeSeconds,
      },
    };
  }
  const slim = {
    windowSizeSeconds,
    remainingQueries: remaining,
    totalQueries: total,
    lowEffortRateLimits: null,
    highEffortRateLimits: null,
  };
  if (remaining === 0) slim.waitTimeSeconds = waitTimeSeconds;
  return slim;
}
