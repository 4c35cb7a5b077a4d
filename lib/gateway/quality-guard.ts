/**
 * @module gateway/quality-guard
 * Applies the quality guard (pool/quality) to the pool: a watch per attempt that judges the finished answer
 * and quarantines, counts or clears. The probes that end a quarantine are gateway/quarantine-probe.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { TokenRow } from '@/lib/db/schema';
import { clearSuspectAnswers, noteSuspectAnswer, quarantineToken, type QuarantineMark } from '@/lib/db/tokens';
import { createAnswerWatch, createPeerModels, judgeAnswer, qualityPolicy, type Verdict } from '@/lib/pool/quality';
import type { GatewayContext } from './context';

/** Models reported per requested model, across this isolate's answers (the mismatch rule's peers). */
export const peers = createPeerModels();

/** When this isolate should next look for due probes (0 = look now; Infinity = none known). */
export const probeSchedule = {
  dueAt: 0,
  soon(at: number) {
    this.dueAt = Math.min(this.dueAt, at);
  },
};

function markFor(ctx: GatewayContext, model: ModelEntry, verdict: Pick<Verdict, 'reason'>): QuarantineMark {
  const at = ctx.now();
  const until = at + ctx.settings.quarantine_seconds * 1000;
  probeSchedule.soon(until);
  return { reason: verdict.reason, model: model.id, until, at };
}

/** Watches one attempt's answer on one account. */
export function createQualityWatch(ctx: GatewayContext, model: ModelEntry) {
  const watch = createAnswerWatch(ctx.now);
  const policy = qualityPolicy(ctx.settings);
  return {
    observe: policy.enabled ? watch.observe : () => {},
    /** The answer finished: judge it. */
    finished(token: TokenRow): void {
      const verdict = judgeAnswer(model, token.id, watch.summary, policy, peers);
      if (!verdict) {
        if (token.suspectAnswers > 0) ctx.platform.waitUntil(clearSuspectAnswers(ctx.db, token.id));
        return;
      }
      const mark = markFor(ctx, model, verdict);
      ctx.platform.waitUntil(verdict.hard ? quarantineToken(ctx.db, token.id, mark) : noteSuspectAnswer(ctx.db, token.id, policy.suspectAnswers, mark));
    },
    /** A moderated answer: a soft sign, since the prompt is the usual cause. */
    moderated(token: TokenRow): void {
      if (!policy.enabled) return;
      ctx.platform.waitUntil(noteSuspectAnswer(ctx.db, token.id, policy.suspectAnswers, markFor(ctx, model, { reason: 'degraded_moderated' })));
    },
  };
}

