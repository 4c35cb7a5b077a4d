/**
 * @module gateway/quarantine-probe
 * Ends quarantines (gateway/quality-guard): when a quarantined account's time is up, one short answer on it
 * alone, judged by the same rules. Clean → back in the pool; the same sign again → disabled, with the reason
 * for the operator; unreachable → tried again after another quarantine period. Runs lazily from requests,
 * via `waitUntil`, only when this isolate knows (or has not yet checked) that a probe is due.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { TokenRow } from '@/lib/db/schema';
import type { GrokEvent } from '@/lib/grok/events';
import { eachEvent } from '@/lib/grok/batches';
import { endQuarantine, nextProbeDue, takeDueProbes } from '@/lib/db/tokens';
import { createAnswerWatch, judgeAnswer, qualityPolicy, type Verdict } from '@/lib/pool/quality';
import { decryptSecret } from '@/lib/crypto';
import type { GatewayContext } from './context';
import { conversationTransport } from './upstream';
import { peers, probeSchedule } from './quality-guard';

const PROBE_LEASE_MS = 5 * 60_000;
const PROBE_TIMEOUT_MS = 30_000;
const PROBE_PROMPT = 'Reply with the single word OK.';

/** Runs due probes in the background when this isolate knows (or has not yet checked) that one is due. */
export function probeQuarantinedWhenDue(ctx: GatewayContext): void {
  const dueAt = probeSchedule.dueAt;
  if (ctx.now() < dueAt) return;
  probeSchedule.dueAt = Infinity;
  ctx.platform.waitUntil(
    runDueProbes(ctx)
      .then(() => nextProbeDue(ctx.db))
      .then((next) => {
        // Woken by a quarantine this isolate just wrote (not the start-up look, dueAt 0) but found none: its
        // write may not have landed yet, so look once more shortly.
        probeSchedule.soon(next ?? (dueAt > 0 ? ctx.now() + 5_000 : Infinity));
      })
      .catch(() => {
        probeSchedule.soon(ctx.now() + 60_000);
      }),
  );
}

/** Makes the next request look again (other isolates quarantine accounts too). */
export function recheckProbes(): void {
  probeSchedule.dueAt = 0;
}

async function runDueProbes(ctx: GatewayContext): Promise<void> {
  for (const row of await takeDueProbes(ctx.db, ctx.now(), PROBE_LEASE_MS)) {
    const model = (row.quarantineModel && ctx.catalog.resolve(row.quarantineModel)) || ctx.catalog.list.find((m) => m.kind === 'chat');
    if (!model) continue;
    const outcome = await probe(ctx, row, model);
    const at = ctx.now();
    if (outcome === 'clean') await endQuarantine(ctx.db, row.id, { ok: true });
    else if (outcome === 'unreachable') {
      await endQuarantine(ctx.db, row.id, { ok: false, disable: false, retryAt: at + ctx.settings.quarantine_seconds * 1000, reason: row.quarantineReason ?? 'probe failed', at });
    } else await endQuarantine(ctx.db, row.id, { ok: false, disable: true, reason: outcome.reason, retryAt: at, at });
  }
}

/** A short answer on the account alone, judged by the same rules (soft signs count at once here). */
async function probe(ctx: GatewayContext, token: TokenRow, model: ModelEntry): Promise<'clean' | 'unreachable' | Verdict> {
  const raw = await decryptSecret(ctx.secret, token.tokenEnc);
  const transport = conversationTransport({ message: PROBE_PROMPT, model, restOnly: model.kind !== 'chat' });
  const watch = createAnswerWatch(ctx.now);
  try {
    const opened = await transport({ ctx, token, raw, uploads: [], signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!opened.ok) return opened.failure.kind === 'moderated' ? { reason: 'degraded_moderated', hard: false, detail: opened.failure.message } : 'unreachable';
    for await (const event of eachEvent(opened.value) as AsyncIterable<GrokEvent>) {
      if (event.type === 'error') return event.failure.kind === 'moderated' ? { reason: 'degraded_moderated', hard: false, detail: event.failure.message } : 'unreachable';
      if (event.type === 'done') break;
      watch.observe(event);
    }
  } catch {
    return 'unreachable';
  }
  return judgeAnswer(model, token.id, watch.summary, { ...qualityPolicy(ctx.settings), enabled: true }, peers) ?? 'clean';
}
