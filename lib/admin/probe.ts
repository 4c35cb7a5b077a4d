/**
 * @module admin/probe
 * "Which upstream profile does grok.com accept today?": sends one tiny chat through each profile (A, B, C)
 * on one account and reports success, latency and the classified failure. Costs up to three requests of
 * the account's quota; changes no account state.
 */
import { GatewayError } from '@/lib/errors';
import { getToken } from '@/lib/db/tokens';
import { decryptSecret } from '@/lib/crypto';
import type { Settings } from '@/lib/settings/schema';
import { conversationTransport } from '@/lib/gateway/upstream';
import { eachEvent } from '@/lib/grok/batches';
import type { AdminContext } from './guard';

const PROFILES: Settings['upstream_profile'][] = ['A', 'B', 'C'];
const PROBE_TIMEOUT_MS = 30_000;

export async function probeProfiles(ctx: AdminContext, tokenId: string): Promise<Response> {
  const token = await getToken(ctx.db, tokenId);
  if (!token) throw new GatewayError('not_found', 'No such token');
  const raw = await decryptSecret(ctx.secret, token.tokenEnc);
  const model = ctx.catalog.resolve('grok-4.1-fast') ?? ctx.catalog.list.find((m) => m.kind === 'chat');
  if (!model) throw new GatewayError('invalid_request', 'No chat model in the catalog');

  const results = [];
  for (const profile of PROFILES) {
    const started = ctx.now();
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    const profileCtx = { ...ctx, settings: { ...ctx.settings, upstream_profile: profile } };
    const transport = conversationTransport({ message: 'Reply with the single word OK.', model });
    let outcome: { ok: boolean; kind?: string; message?: string; sample?: string };
    try {
      const opened = await transport({ ctx: profileCtx, token, raw, uploads: [], signal });
      if (!opened.ok) outcome = { ok: false, kind: opened.failure.kind, message: opened.failure.message };
      else {
        let sample = '';
        outcome = { ok: false, kind: 'transient', message: 'no answer' };
        for await (const event of eachEvent(opened.value)) {
          if (event.type === 'text') sample += event.text;
          if (event.type === 'error') {
            outcome = { ok: false, kind: event.failure.kind, message: event.failure.message };
            break;
          }
          if (event.type === 'done') {
            outcome = { ok: true, sample: sample.slice(0, 80) };
            break;
          }
        }
      }
    } catch (e) {
      outcome = { ok: false, kind: 'transient', message: e instanceof Error ? e.message : String(e) };
    }
    results.push({ profile, ...outcome, ms: ctx.now() - started });
  }
  const working = results.filter((r) => r.ok).map((r) => r.profile);
  return Response.json({
    tokenId,
    current: ctx.settings.upstream_profile,
    results,
    recommended: working.length ? working[working.length - 1] : null,
  });
}
