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
import { resetTokenFailures, updateToken } from '@/lib/db/tokens';
import { createQualityWatch } from './quality-guard';
import type { Candidate } from '@/lib/pool/select';
import { decryptSecret } from '@/lib/crypto';
import type { GatewayContext } from './context';
import type { PreparedFile } from './attachments';
import { quotaSyncDue, syncQuota } from './quota';
import type { AdmissionPlan } from './key-limits';
import { createAccountAcquirer } from './acquire-account';
import type { Claimed } from './account-claim';
import { failureToError } from './failure-errors';
import { GatewayError } from '@/lib/errors';
import { createAttemptBudget } from './attempt-budget';
import { applyAttemptFailure } from './attempt-failure';

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
  /** An account the request's first batch claimed already. */
  claimed?: Claimed;
}

/** The REST conversation (E1) as a transport; media flows pass payload extras and a Referer. */
export function conversationTransport(spec: {
  message: string;
  payload?: Partial<Omit<ChatPayloadInput, 'profile' | 'model' | 'message' | 'fileAttachments' | 'temporary'>>;
  referer?: string;
  model: ChatPayloadInput['model'];
  /** Media flows (image generation through chat) stay on REST even under Profile C. */
  restOnly?: boolean;
  /** The client takes the answer whole (non-stream): the REST body is read in large pieces. */
  bulkRead?: boolean;
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
      bulkRead: spec.bulkRead,
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

/**
 * A stored account this deployment cannot read: the operator's to fix, never the account's fault. The
 * request log names the account (its suffix); the client is not told which.
 */
const undecryptable = () => new GatewayError('internal', 'an account cannot be decrypted with this SECRET_KEY (was it changed?): import it again');

export function createUpstreamRunner(ctx: GatewayContext, job: UpstreamJob, signal?: AbortSignal) {
  const budget = createAttemptBudget(1 + ctx.settings.max_retries);
  const accounts = createAccountAcquirer(ctx, job, budget.state.tried, signal);
  const rawTokens = new Map<string, Promise<string>>();
  let served: TokenRow | undefined;
  let files: Promise<PreparedFile[]> | undefined;

  const tokenValue = (token: TokenRow): Promise<string> => {
    let raw = rawTokens.get(token.id);
    if (!raw) rawTokens.set(token.id, (raw = decryptSecret(ctx.secret, token.tokenEnc).catch(() => Promise.reject(undecryptable()))));
    return raw;
  };

  /** Frees the account and applies the failure; the caller then asks `budget.mayRetry`. */
  async function record(token: TokenRow, failure: UpstreamFailure): Promise<UpstreamFailure> {
    accounts.freeLease();
    await applyAttemptFailure(ctx, job.model, token, failure, budget.fail(failure), () => tokenValue(token));
    return failure;
  }

  /** A request with attachments settles its admission on its own first (one more round trip, only for them). */
  function attachments(): Promise<PreparedFile[]> {
    const read = job.files;
    files ??= typeof read === 'function' ? accounts.admitAlone().then(read) : Promise.resolve(read ?? []);
    return files;
  }

  /** One attempt: an account, its uploads, the opened conversation; a failure is recorded and returned. */
  async function tryOnce(): Promise<Attempt | UpstreamFailure> {
    const prepared = await attachments();
    const token = await accounts.acquire(budget.state.lastFailure);
    budget.begin(token.id);
    served = token;
    try {
      const raw = await tokenValue(token);
      const uploads: UploadResult[] = [];
      for (const file of prepared) {
        const up = await uploadFile(ctx.grok, raw, file, signal);
        if (!up.ok) return record(token, up.failure);
        uploads.push(up.value);
      }
      const opened = await job.transport({ ctx, token, raw, uploads, signal });
      if (!opened.ok) return record(token, opened.failure);
      return { token, batches: opened.value[Symbol.asyncIterator]() };
    } catch (e) {
      // Not an upstream failure (ours: a row sealed under another SECRET_KEY, a bug): the account is not
      // charged, but its in-flight slot must not wait for the lease to expire.
      accounts.freeLease();
      throw e;
    }
  }

  /** Opens an upstream stream, retrying HTTP-level failures; throws a GatewayError when exhausted. */
  async function open(): Promise<Attempt> {
    for (;;) {
      const r = await tryOnce();
      if ('batches' in r) return r;
      if (!budget.mayRetry(!!signal?.aborted)) throw failureToError(r);
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
    let visible = false;
    try {
      for (;;) {
        const { value: batch, done } = await current.batches.next();
        if (done) return;
        // One pass: events are watched up to the batch's first in-band error, which cuts it there.
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
        if (end > 0) yield end === batch.length ? batch : batch.slice(0, end);
        if (!failure) continue;
        await record(current.token, failure);
        if (visible || !budget.mayRetry(!!signal?.aborted)) throw failureToError(failure);
        await current.batches.return?.();
        current = await open();
        served = current.token;
        watch = createQualityWatch(ctx, job.model);
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
      return budget.state.attempts;
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
