/**
 * @module gateway/upstream
 * Runs one client request against the pool: pick an account, upload attachments, open the conversation,
 * and on failure apply the account's new state and retry on another account — bounded by `max_retries`
 * and never after visible output reached the client.
 */
import { fetchSession, openConversation, uploadFile, type Opened, type UploadResult } from '@/lib/grok/client';
import { openMgwConversation, parseSession } from '@/lib/grok/mgw';
import type { GrokEvent } from '@/lib/grok/events';
import { asBatches, eachEvent, type EventBatches } from '@/lib/grok/batches';
import { accountStateFailure, malformedAnswer, type UpstreamFailure } from '@/lib/grok/errors';
import { buildChatPayload, type ChatPayloadInput } from '@/lib/grok/payload';
import type { ModelEntry } from '@/lib/catalog/models';
import type { TokenRow } from '@/lib/db/schema';
import { chargeFailure, resetTokenFailures, updateToken } from '@/lib/db/tokens';
import { createQualityWatch } from './quality-guard';
import { setMeta } from '@/lib/db/meta';
import type { Candidate } from '@/lib/pool/select';
import { statePolicy } from '@/lib/pool/state';
import { createFailureLedger } from '@/lib/pool/blast-radius';
import { decryptSecret } from '@/lib/crypto';
import type { GatewayContext } from './context';
import type { PreparedFile } from './attachments';
import { quotaSyncDue, refreshAfterQuotaError, syncQuota } from './quota';
import type { AdmissionPlan } from './key-limits';
import { createAccountAcquirer } from './acquire-account';
import { failureToError } from './failure-errors';

/** What one attempt on one account does once its attachments are uploaded. */
interface AttemptInput {
  ctx: GatewayContext;
  token: TokenRow;
  /** The decrypted sso value. */
  raw: string;
  uploads: UploadResult[];
  signal?: AbortSignal;
}
export type Transport = (a: AttemptInput) => Promise<Opened<EventBatches>>;

interface UpstreamJob {
  model: ModelEntry;
  /** Already read, or read once the key is admitted (and before any account is claimed): a client's URL is fetched only then. */
  files?: PreparedFile[] | (() => Promise<PreparedFile[]>);
  transport: Transport;
  /** Candidates read in the request's first batch: the first pick needs no query of its own. */
  candidates?: Candidate[];
  /** The key's admission, run in one batch with the first claim and settled before anything goes upstream. */
  admission?: AdmissionPlan;
}

/** The REST conversation (E1) as a transport; media flows pass payload extras and a Referer. */
export function conversationTransport(spec: {
  message: string;
  payload?: Partial<Omit<ChatPayloadInput, 'profile' | 'model' | 'message' | 'fileAttachments' | 'temporary'>>;
  referer?: string;
  model: ChatPayloadInput['model'];
  /** Media flows (image generation through chat) stay on REST even under Profile C. */
  restOnly?: boolean;
}): Transport {
  return async ({ ctx, token, raw, uploads, signal }) => {
    if (ctx.settings.upstream_profile === 'C' && !spec.restOnly) {
      const user = await accountUserId(ctx, token, raw, signal);
      if (!user.ok) return user;
      const opened = await openMgwConversation(
        { fetch: ctx.grok.fetch, wsUrl: ctx.platform.env.GROK_WS_URL, origin: new URL(ctx.grok.baseUrl).origin, headers: ctx.grok.headers },
        raw,
        { userId: user.value, mode: spec.model.modeId ?? 'auto', message: spec.message, fileIds: uploads.map((u) => u.fileMetadataId) },
        {
          signal,
          handshakeTimeoutMs: 20_000,
          firstFrameTimeoutMs: ctx.settings.first_frame_timeout_seconds * 1000,
          idleTimeoutMs: ctx.settings.idle_timeout_seconds * 1000,
        },
      );
      return opened.ok ? { ok: true, value: asBatches(opened.value) } : opened;
    }
    return openConversation(ctx.grok, {
      token: raw,
      payload: buildChatPayload({
        ...spec.payload,
        profile: ctx.settings.upstream_profile,
        model: spec.model,
        message: spec.message,
        fileAttachments: uploads.map((u) => u.fileMetadataId),
        temporary: ctx.settings.temporary_chats,
        customInstruction: ctx.settings.custom_instruction || undefined,
      }),
      signal,
      referer: spec.referer,
      firstFrameTimeoutMs: ctx.settings.first_frame_timeout_seconds * 1000,
      idleTimeoutMs: ctx.settings.idle_timeout_seconds * 1000,
    });
  };
}

/** The account's user id for the chat gateway: cached on the token row, else read from E19 (spec §9.5). */
async function accountUserId(ctx: GatewayContext, token: TokenRow, raw: string, signal?: AbortSignal): Promise<Opened<string>> {
  if (token.userId) return { ok: true, value: token.userId };
  const session = await fetchSession(ctx.grok, raw, signal);
  if (!session.ok) return session;
  const identity = parseSession(session.value);
  if (identity.status === 'unauthenticated' || identity.status === 'blocked') return { ok: false, failure: accountStateFailure(identity.status) };
  if (!identity.userId) return { ok: false, failure: malformedAnswer('session answer has no user id') };
  await updateToken(ctx.db, token.id, { userId: identity.userId });
  return { ok: true, value: identity.userId };
}

export interface Attempt {
  token: TokenRow;
  batches: AsyncIterator<GrokEvent[]>;
}

export function createUpstreamRunner(ctx: GatewayContext, job: UpstreamJob, signal?: AbortSignal) {
  const tried: string[] = [];
  const accounts = createAccountAcquirer(ctx, job, tried, signal);
  const maxAttempts = 1 + ctx.settings.max_retries;
  let attempts = 0;
  let lastFailure: UpstreamFailure | undefined;
  const ledger = createFailureLedger();
  let mayTryAnother = true;
  const rawTokens = new Map<string, string>();
  let served: TokenRow | undefined;
  let files: Promise<PreparedFile[]> | undefined;

  async function record(token: TokenRow, failure: UpstreamFailure): Promise<void> {
    accounts.freeLease();
    lastFailure = failure;
    if (failure.kind === 'moderated') createQualityWatch(ctx, job.model).moderated(token);
    const now = ctx.now();
    const verdict = ledger.judge(failure);
    mayTryAnother = verdict.tryAnother;
    if (verdict.charge) await chargeFailure(ctx.db, token, job.model.bucket, failure, statePolicy(ctx.settings), now);
    refreshAfterQuotaError(ctx, token, failure, job.model, () => tokenValue(token));
    if (failure.kind === 'challenge' || failure.kind === 'anti_bot') {
      ctx.platform.waitUntil(setMeta(ctx.db, 'egress_last_challenge', JSON.stringify({ at: now, kind: failure.kind, message: failure.message }), now));
    }
  }

  /** Asked right after `record`, whose verdict already folds in `failure.retryable`. */
  function canRetry() {
    return mayTryAnother && attempts < maxAttempts && !signal?.aborted;
  }

  async function tokenValue(token: TokenRow): Promise<string> {
    let raw = rawTokens.get(token.id);
    if (!raw) {
      raw = await decryptSecret(ctx.secret, token.tokenEnc);
      rawTokens.set(token.id, raw);
    }
    return raw;
  }

  /** A request with attachments settles its admission on its own first (one more round trip, only for them). */
  function attachments(): Promise<PreparedFile[]> {
    const read = job.files;
    files ??= typeof read === 'function' ? accounts.admitAlone().then(read) : Promise.resolve(read ?? []);
    return files;
  }

  /** One attempt; a failure is recorded and returned. */
  async function tryOnce(): Promise<Attempt | UpstreamFailure> {
    const prepared = await attachments();
    // Counted once an account was found: running out of accounts is not an attempt.
    const token = await accounts.acquire(lastFailure);
    attempts++;
    tried.push(token.id);
    served = token;
    const raw = await tokenValue(token);
    const uploads: UploadResult[] = [];
    for (const file of prepared) {
      const up = await uploadFile(ctx.grok, raw, file, signal);
      if (!up.ok) {
        await record(token, up.failure);
        return up.failure;
      }
      uploads.push(up.value);
    }
    const opened = await job.transport({ ctx, token, raw, uploads, signal });
    if (!opened.ok) {
      await record(token, opened.failure);
      return opened.failure;
    }
    return { token, batches: opened.value[Symbol.asyncIterator]() };
  }

  /** Opens an upstream stream, retrying HTTP-level failures; throws a GatewayError when exhausted. */
  async function open(): Promise<Attempt> {
    for (;;) {
      const r = await tryOnce();
      if ('batches' in r) {
        served = r.token;
        return r;
      }
      if (!canRetry()) throw failureToError(r);
    }
  }

  function succeeded(token: TokenRow) {
    if (token.failedCount > 0) ctx.platform.waitUntil(resetTokenFailures(ctx.db, token.id));
    if (quotaSyncDue(ctx, token)) {
      ctx.platform.waitUntil(tokenValue(token).then((raw) => syncQuota(ctx, token, raw, job.model)));
    }
  }

  /**
   * Event batches of the opened attempt. An in-band failure before anything visible was produced is
   * retried on another account inside the same stream; after that it ends the stream as an error (after
   * the events that preceded it in its batch).
   */
  async function* batches(first: Attempt): AsyncGenerator<GrokEvent[], void, undefined> {
    let current = first;
    served = first.token;
    let watch = createQualityWatch(ctx, job.model);
    try {
      let visible = false;
      for (;;) {
        const { value: batch, done } = await current.batches.next();
        if (done) return;
        let failure: UpstreamFailure | undefined;
        let end = batch.length;
        for (let i = 0; i < batch.length; i++) {
          const event = batch[i];
          if (event.type === 'error') {
            failure = event.failure;
            end = i;
            break;
          }
          if (event.type === 'done') {
            succeeded(current.token);
            watch.finished(current.token);
          } else {
            watch.observe(event);
            if (event.type !== 'meta') visible = true;
          }
        }
        if (!failure) {
          yield batch;
          continue;
        }
        if (end > 0) yield batch.slice(0, end);
        await record(current.token, failure);
        if (visible || !canRetry()) throw failureToError(failure);
        await current.batches.return?.();
        current = await open();
        served = current.token;
        watch = createQualityWatch(ctx, job.model);
        visible = false;
      }
    } finally {
      // Ends the upstream fetch when the consumer stops early (client disconnect).
      await current.batches.return?.();
      accounts.freeLease();
    }
  }

  return {
    open,
    batches,
    /** The same events one at a time, for consumers off the hot path. */
    events: (first: Attempt) => eachEvent(batches(first)),
    get attempts() {
      return attempts;
    },
    /** The key's admission once settled (with the first claim); a no-op before and for keyless callers. */
    get admission() {
      return accounts.admission;
    },
    /** The account that served (or last tried to serve) the answer. */
    get token() {
      return served;
    },
  };
}
