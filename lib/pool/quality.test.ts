import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS, type ModelEntry } from '@/lib/catalog/models';
import type { GrokEvent } from '@/lib/grok/events';
import { createAnswerWatch, createPeerModels, judgeAnswer, type QualityPolicy } from './quality';

const model = (id: string) => DEFAULT_MODELS.find((m) => m.id === id) as ModelEntry;
const POLICY: QualityPolicy = { enabled: true, maxCharsPerSecond: 5000, suspectAnswers: 3 };

/** Feeds events at the given times (ms) through a watch and returns its summary. */
function answer(events: [number, GrokEvent][]) {
  let t = 0;
  const watch = createAnswerWatch(() => t);
  for (const [at, e] of events) {
    t = at;
    watch.observe(e);
  }
  return watch.summary;
}
const text = (s: string): GrokEvent => ({ type: 'text', text: s });
const thinking = (s: string): GrokEvent => ({ type: 'thinking', text: s });
const meta = (m: string): GrokEvent => ({ type: 'meta', model: m });

describe('judgeAnswer', () => {
  it('a normal answer passes', () => {
    expect(judgeAnswer(model('grok-4'), 'a', answer([[0, meta('grok-4')], [10, text('Hello')], [50, text(' there')]]), POLICY, createPeerModels())).toBeUndefined();
  });

  it('a thinking model that streamed no thinking: a soft sign', () => {
    const a = answer([[0, text('The answer is 55.')]]);
    expect(judgeAnswer(model('grok-4.1-thinking'), 'a', a, POLICY, createPeerModels())).toMatchObject({ reason: 'degraded_no_thinking', hard: false });
    const withThinking = answer([[0, thinking('Let me add.')], [5, text('55')]]);
    expect(judgeAnswer(model('grok-4.1-thinking'), 'a', withThinking, POLICY, createPeerModels())).toBeUndefined();
  });

  it('an empty answer: a soft sign; media alone is not empty', () => {
    expect(judgeAnswer(model('grok-4'), 'a', answer([]), POLICY, createPeerModels())).toMatchObject({ reason: 'degraded_empty', hard: false });
    expect(judgeAnswer(model('grok-4'), 'a', answer([[0, { type: 'image', index: 0, path: '/x.jpg' }]]), POLICY, createPeerModels())).toBeUndefined();
  });

  it('2,000+ characters faster than the limit: hard; the same length at a plausible pace passes', () => {
    const long = 'x'.repeat(100);
    const fast = answer(Array.from({ length: 30 }, (_, i) => [i, text(long)] as [number, GrokEvent]));
    expect(judgeAnswer(model('grok-4'), 'a', fast, POLICY, createPeerModels())).toMatchObject({ reason: 'degraded_implausible_speed', hard: true });
    const paced = answer(Array.from({ length: 30 }, (_, i) => [i * 100, text(long)] as [number, GrokEvent]));
    expect(judgeAnswer(model('grok-4'), 'a', paced, POLICY, createPeerModels())).toBeUndefined();
    const short = answer([[0, text('x'.repeat(1999))]]);
    expect(judgeAnswer(model('grok-4'), 'a', short, POLICY, createPeerModels())).toBeUndefined();
  });

  it('another model than a quorum of peers report for the same request: hard', () => {
    const peers = createPeerModels();
    const m = model('grok-4-expert');
    for (const acc of ['b', 'c', 'd']) expect(judgeAnswer(m, acc, answer([[0, meta('grok-4-1-thinking-1129')], [1, thinking('t')], [2, text('ok')]]), POLICY, peers)).toBeUndefined();
    expect(judgeAnswer(m, 'a', answer([[0, meta('grok-3')], [1, thinking('t')], [2, text('ok')]]), POLICY, peers)).toMatchObject({ reason: 'degraded_model_mismatch', hard: true });
  });

  it('no quorum, a model the catalog names, or the auto mode: no mismatch', () => {
    const peers = createPeerModels();
    const m = model('grok-4');
    for (const acc of ['b', 'c']) judgeAnswer(m, acc, answer([[0, meta('grok-4')], [1, text('ok')]]), POLICY, peers);
    expect(judgeAnswer(m, 'a', answer([[0, meta('grok-3')], [1, text('ok')]]), POLICY, peers)).toBeUndefined();
    const auto = model('grok-chat-auto');
    if (auto) {
      const p2 = createPeerModels();
      for (const acc of ['b', 'c', 'd']) judgeAnswer(auto, acc, answer([[0, meta('grok-4')], [1, text('ok')]]), POLICY, p2);
      expect(judgeAnswer(auto, 'a', answer([[0, meta('grok-3')], [1, text('ok')]]), POLICY, p2)).toBeUndefined();
    }
  });

  it('a catalog that names models differently from grok.com flags no one: peers agree with the newcomer', () => {
    const peers = createPeerModels();
    const m = model('grok-4');
    for (const acc of ['a', 'b', 'c', 'd']) expect(judgeAnswer(m, acc, answer([[0, meta('grok-4-0709')], [1, text('ok')]]), POLICY, peers)).toBeUndefined();
  });

  it('off means off; media kinds are not judged', () => {
    expect(judgeAnswer(model('grok-4'), 'a', answer([]), { ...POLICY, enabled: false }, createPeerModels())).toBeUndefined();
    expect(judgeAnswer(model('grok-imagine-1.0'), 'a', answer([]), POLICY, createPeerModels())).toBeUndefined();
  });
});
