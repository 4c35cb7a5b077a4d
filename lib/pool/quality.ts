/**
 * @module pool/quality
 * The quality guard: signs in a finished answer that its account was silently downgraded ("降智").
 * Pure: the caller feeds events and a clock, and applies the verdict.
 *
 * - hard signs quarantine at once: the upstream reported another model than its peers report for the same
 *   request (a pool-relative check, so a catalog that names models differently from grok.com flags no one),
 *   or the answer streamed faster than the upstream can produce (a cached or synthetic answer);
 * - soft signs only count in a run on one account (`quality_suspect_answers`): a thinking-capable mode that
 *   streamed no thinking, an empty answer, a moderated answer — each can also be the request's doing.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import type { GrokEvent } from '@/lib/grok/events';
import type { Settings } from '@/lib/settings/schema';

type QualityReason =
  | 'degraded_model_mismatch'
  | 'degraded_implausible_speed'
  | 'degraded_no_thinking'
  | 'degraded_empty'
  | 'degraded_moderated';

export interface Verdict {
  reason: QualityReason;
  /** Hard signs quarantine at once; soft ones count toward a run. */
  hard: boolean;
  detail: string;
}

export interface QualityPolicy {
  enabled: boolean;
  maxCharsPerSecond: number;
  suspectAnswers: number;
}

export const qualityPolicy = (s: Settings): QualityPolicy => ({
  enabled: s.quality_guard,
  maxCharsPerSecond: s.quality_max_chars_per_second,
  suspectAnswers: s.quality_suspect_answers,
});

/** Below this an answer is too short for its speed to mean anything. */
const SPEED_MIN_CHARS = 2000;
/** Peers that must agree on a reported model before a different one counts as a mismatch. */
const PEER_QUORUM = 3;
const PEER_MEMORY = 20;

interface AnswerSummary {
  textChars: number;
  thinkingChars: number;
  media: number;
  /** From the answer's first frame to its last text, ms. */
  textMs: number;
  reportedModel?: string;
}

/** Counts what one answer contained; a few integer updates per event. */
export function createAnswerWatch(now: () => number) {
  const a: AnswerSummary = { textChars: 0, thinkingChars: 0, media: 0, textMs: 0 };
  // From the first frame of any kind: an answer that arrives as one final message still took its time.
  let first: number | undefined;
  return {
    observe(e: GrokEvent): void {
      first ??= now();
      switch (e.type) {
        case 'text': {
          a.textMs = now() - first;
          a.textChars += e.text.length;
          break;
        }
        case 'thinking':
          a.thinkingChars += e.text.length;
          break;
        case 'image':
        case 'video':
          a.media++;
          break;
        case 'meta':
          if (e.model) a.reportedModel = e.model;
          break;
      }
    },
    get summary(): AnswerSummary {
      return a;
    },
  };
}

/** What accounts reported lately per requested model, one isolate's view. */
export function createPeerModels() {
  const seen = new Map<string, { account: string; model: string }[]>();
  return {
    note(modelId: string, account: string, reported: string): void {
      const list = seen.get(modelId) ?? [];
      list.push({ account, model: reported });
      if (list.length > PEER_MEMORY) list.shift();
      seen.set(modelId, list);
    },
    /** The model most other accounts reported, when at least a quorum of them agree. */
    consensus(modelId: string, except: string): string | undefined {
      const votes = new Map<string, Set<string>>();
      for (const { account, model } of seen.get(modelId) ?? []) {
        if (account === except) continue;
        votes.set(model, (votes.get(model) ?? new Set()).add(account));
      }
      let best: string | undefined;
      let n = 0;
      for (const [model, accounts] of votes) if (accounts.size > n) [best, n] = [model, accounts.size];
      return n >= PEER_QUORUM ? best : undefined;
    },
  };
}
type PeerModels = ReturnType<typeof createPeerModels>;

export function judgeAnswer(model: ModelEntry, account: string, a: AnswerSummary, policy: QualityPolicy, peers: PeerModels): Verdict | undefined {
  if (!policy.enabled || model.kind !== 'chat') return undefined;
  const reported = a.reportedModel;
  if (reported && model.modeId !== 'auto') {
    const consensus = peers.consensus(model.id, account);
    peers.note(model.id, account, reported);
    const expected = reported === model.modelName || reported === model.modeId;
    if (consensus && reported !== consensus && !expected) {
      return { reason: 'degraded_model_mismatch', hard: true, detail: `answered as ${reported}; other accounts answer ${model.id} as ${consensus}` };
    }
  }
  if (a.textChars >= SPEED_MIN_CHARS && a.textChars * 1000 > policy.maxCharsPerSecond * Math.max(1, a.textMs)) {
    return { reason: 'degraded_implausible_speed', hard: true, detail: `${a.textChars} characters in ${a.textMs} ms` };
  }
  if (!a.textChars && !a.media) return { reason: 'degraded_empty', hard: false, detail: 'empty answer' };
  // In auto mode the upstream itself decides whether to think (and which model answers).
  if (model.thinks && model.modeId !== 'auto' && !a.thinkingChars && a.textChars) return { reason: 'degraded_no_thinking', hard: false, detail: `${model.id} answered without thinking` };
  return undefined;
}
