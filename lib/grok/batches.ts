/**
 * @module grok/batches
 * Upstream events travel in batches (one per network read, see `EventBatches`); these adapt the few
 * producers and consumers that think in single events.
 */
import type { GrokEvent } from './events';

/** Events grouped as they arrived: what came in one network read stays together. */
export type EventBatches = AsyncIterable<GrokEvent[]>;

/** A one-event-at-a-time source (the WebSocket readers) as batches of one. */
export async function* asBatches(events: AsyncIterable<GrokEvent>): AsyncGenerator<GrokEvent[]> {
  for await (const event of events) yield [event];
}

/** Batches flattened back to single events, for consumers off the hot path (media jobs, probes). */
export async function* eachEvent<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}
