/**
 * @module gateway/image-rounds
 * Produces `n` distinct images for the Images API by running rounds against the pool: chat-conversation
 * rounds of 2 images (`legacy`), or Imagine WebSocket rounds of up to 4 (`imagine_ws`, falling back to
 * legacy when the WebSocket path fails upstream). Each image remembers the account that owns it.
 */
import type { ModelEntry } from '@/lib/catalog/models';
import { openImagine, IMAGINE_MAX_PER_ROUND } from '@/lib/grok/imagine';
import { GatewayError } from '@/lib/errors';
import type { GatewayContext } from './context';
import type { PreparedFile } from './attachments';
import { conversationTransport, createUpstreamRunner, type Transport } from './upstream';
import { asBatches } from '@/lib/grok/batches';

export interface GeneratedImage {
  index: number;
  path: string;
  tokenId: string;
  b64?: string;
}

type ImageProgress = { type: 'progress'; index: number; progress: number } | { type: 'image'; image: GeneratedImage };

export interface ImageJob {
  model: ModelEntry;
  prompt: string;
  n: number;
  aspectRatio: string;
  /** Edits: reference images uploaded to the serving account on every attempt. */
  files?: PreparedFile[];
  signal?: AbortSignal;
}

const LEGACY_PER_ROUND = 2;
const MAX_PARALLEL_ROUNDS = 3;
/** Extra rounds when upstream returned duplicates or fewer images than asked. */
const EXTRA_ROUNDS = 2;

function legacyTransport(job: ImageJob): Transport {
  const edit = job.model.kind === 'image_edit';
  return conversationTransport({
    message: `${edit ? 'Image Edit' : 'Image Generation'}: ${job.prompt}`,
    model: job.model,
    payload: { imageGenerationCount: LEGACY_PER_ROUND },
    restOnly: true,
  });
}

function imagineTransport(job: ImageJob, count: number): Transport {
  return async ({ ctx, raw, signal }) => {
    const opened = await openImagine(
      { fetch: ctx.grok.fetch, wsUrl: ctx.platform.env.GROK_WS_URL, origin: new URL(ctx.grok.baseUrl).origin, headers: ctx.grok.headers },
      raw,
      { prompt: job.prompt, aspectRatio: job.aspectRatio, count, pro: job.model.imageMethod === 'imagine_ws_pro' },
      {
        signal,
        handshakeTimeoutMs: 20_000,
        idleTimeoutMs: ctx.settings.idle_timeout_seconds * 1000,
        totalTimeoutMs: ctx.settings.first_frame_timeout_seconds * 1000 + 120_000,
      },
    );
    return opened.ok ? { ok: true, value: asBatches(opened.value) } : opened;
  };
}

/** One round on one account (with the runner's retries); yields progress and finished images. */
async function* round(ctx: GatewayContext, job: ImageJob, transport: Transport, offset: number): AsyncGenerator<ImageProgress> {
  const runner = createUpstreamRunner(ctx, { model: job.model, files: job.files, transport }, job.signal);
  const first = await runner.open();
  for await (const event of runner.events(first)) {
    if (event.type === 'image_progress') yield { type: 'progress', index: offset + event.index, progress: event.progress };
    else if (event.type === 'image') yield { type: 'image', image: { index: offset + event.index, path: event.path, b64: event.b64, tokenId: runner.token!.id } };
  }
}

/** Runs rounds with bounded parallelism, merging their outputs as they arrive. */
async function* parallel<T>(makers: (() => AsyncGenerator<T>)[], limit: number): AsyncGenerator<T> {
  const queue = [...makers];
  const running = new Map<number, { it: AsyncGenerator<T>; next: Promise<{ id: number; r: IteratorResult<T> }> }>();
  let nextId = 0;
  const start = () => {
    const make = queue.shift();
    if (!make) return;
    const id = nextId++;
    const it = make();
    running.set(id, { it, next: it.next().then((r) => ({ id, r })) });
  };
  for (let i = 0; i < limit; i++) start();
  try {
    while (running.size) {
      const { id, r } = await Promise.race([...running.values()].map((x) => x.next));
      const entry = running.get(id)!;
      if (r.done) {
        running.delete(id);
        start();
      } else {
        entry.next = entry.it.next().then((x) => ({ id, r: x }));
        yield r.value;
      }
    }
  } finally {
    await Promise.all([...running.values()].map((x) => x.it.return(undefined)));
  }
}

async function* legacyRounds(ctx: GatewayContext, job: ImageJob, count: number): AsyncGenerator<ImageProgress> {
  const rounds = Math.ceil(count / LEGACY_PER_ROUND);
  yield* parallel(
    Array.from({ length: rounds }, (_, i) => () => round(ctx, job, legacyTransport(job), i * LEGACY_PER_ROUND)),
    MAX_PARALLEL_ROUNDS,
  );
}

async function* imagineRounds(ctx: GatewayContext, job: ImageJob, count: number): AsyncGenerator<ImageProgress> {
  const rounds = Math.ceil(count / IMAGINE_MAX_PER_ROUND);
  yield* parallel(
    Array.from({ length: rounds }, (_, i) => () =>
      round(ctx, job, imagineTransport(job, Math.min(IMAGINE_MAX_PER_ROUND, count - i * IMAGINE_MAX_PER_ROUND)), i * IMAGINE_MAX_PER_ROUND),
    ),
    MAX_PARALLEL_ROUNDS,
  );
}

const fallsBack = (e: unknown) => e instanceof GatewayError && e.status >= 500;

/**
 * Yields progress and up to `n` distinct images (indices 0…n-1 in arrival order). Throws the last
 * GatewayError when no image could be produced.
 */
export async function* generateImages(ctx: GatewayContext, job: ImageJob): AsyncGenerator<ImageProgress> {
  const seen = new Set<string>();
  let delivered = 0;
  const useImagine = job.model.kind === 'image' && (job.model.imageMethod ?? ctx.settings.image_generation_method) !== 'legacy';
  let failure: unknown;

  const drain = async function* (source: AsyncGenerator<ImageProgress>): AsyncGenerator<ImageProgress> {
    try {
      for await (const item of source) {
        if (item.type === 'progress') {
          if (item.index < job.n && delivered < job.n) yield item;
          continue;
        }
        if (seen.has(item.image.path) || delivered >= job.n) continue;
        seen.add(item.image.path);
        yield { type: 'image', image: { ...item.image, index: delivered++ } };
      }
    } catch (e) {
      failure = e;
    }
  };

  if (useImagine) {
    yield* drain(imagineRounds(ctx, job, job.n));
    if (!delivered && failure && !fallsBack(failure)) throw failure;
    if (failure) console.warn(`imagine_ws failed, falling back to legacy: ${(failure as Error).message}`);
    failure = undefined;
  }
  for (let extra = 0; delivered < job.n && extra <= EXTRA_ROUNDS; extra++) {
    const before = delivered;
    yield* drain(legacyRounds(ctx, job, job.n - delivered));
    if (failure || delivered === before) break;
  }
  if (!delivered) throw failure ?? new GatewayError('upstream_error', 'Upstream produced no image');
}
