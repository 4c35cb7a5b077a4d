'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { BanIcon, CircleCheckIcon, EllipsisIcon, FlaskConicalIcon, PencilIcon, RefreshCwIcon, RotateCcwIcon, TrashIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useI18n } from '@/components/i18n-provider';
import { useMutation } from '@/components/use-mutation';
import { api } from '@/components/api-client';
import { fmt } from '@/lib/i18n';
import { EditTokenDialog } from './edit-token-dialog';
import type { TokenView } from './types';

type TestResult = { ok: true; remaining: number | null } | { ok: false; message: string };
type ProbeResult = { results: { profile: string; ok: boolean; ms: number; kind?: string }[]; recommended: string | null };

export function TokenRowActions({ token }: { token: TokenView }) {
  const { t } = useI18n();
  const { run } = useMutation();
  const [editing, setEditing] = React.useState(false);
  const [deleting, setDeleting] = React.useState(false);
  const base = `/api/admin/tokens/${encodeURIComponent(token.id)}`;

  const test = () =>
    run(async () => {
      const r = await api<TestResult>(`${base}/test`, { method: 'POST', body: {} });
      if (r.ok) toast.success(fmt(t.tokens.testOk, { remaining: r.remaining ?? t.common.unknown }));
      else toast.error(fmt(t.tokens.testFailed, { message: r.message }));
    });
  /** Which upstream protocols (A/B/C) grok.com accepts for this account today. */
  const probe = () =>
    run(async () => {
      const r = await api<ProbeResult>(`${base}/probe`, { method: 'POST', body: {} });
      const line = r.results.map((x) => `${x.profile}: ${x.ok ? `✓ ${x.ms} ms` : `✗ ${x.kind ?? ''}`}`).join(' · ');
      toast.message(fmt(t.tokens.probeResult, { results: line, recommended: r.recommended ?? '—' }), { duration: 15_000 });
    });
  const refreshQuota = () =>
    run(
      () => api<{ refreshed: number; failed: number }>('/api/admin/tokens/refresh', { body: { ids: [token.id] } }),
      (r) => fmt(t.tokens.refreshed, { ok: r.refreshed, failed: r.failed }),
    );
  const patch = (body: Record<string, unknown>) => run(() => api(base, { method: 'PATCH', body }), t.tokens.updated);

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={`${t.tokens.rowActions} …${token.suffix}`} data-testid="token-row-actions">
            <EllipsisIcon />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-48">
          <DropdownMenuItem onSelect={test}>
            <FlaskConicalIcon /> {t.tokens.testNow}
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={probe}>
            <FlaskConicalIcon /> {t.tokens.probe}
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={refreshQuota}>
            <RefreshCwIcon /> {t.tokens.refreshQuota}
          </DropdownMenuItem>
          {token.status === 'disabled' || token.status === 'invalid' ? (
            <DropdownMenuItem onSelect={() => patch({ status: 'active' })}>
              <CircleCheckIcon /> {t.common.enable}
            </DropdownMenuItem>
          ) : (
            <DropdownMenuItem onSelect={() => patch({ status: 'disabled' })}>
              <BanIcon /> {t.common.disable}
            </DropdownMenuItem>
          )}
          {(token.status === 'cooling' || token.status === 'quarantined') && (
            <DropdownMenuItem onSelect={() => patch({ resetState: true })}>
              <RotateCcwIcon /> {token.status === 'cooling' ? t.tokens.resetState : t.tokens.releaseQuarantine}
            </DropdownMenuItem>
          )}
          <DropdownMenuItem onSelect={() => setEditing(true)}>
            <PencilIcon /> {t.tokens.editTags}
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(true)}>
            <TrashIcon /> {t.common.delete}
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <EditTokenDialog token={token} open={editing} onOpenChange={setEditing} />
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={t.tokens.deleteTitle}
        description={fmt(t.tokens.deleteText, { suffix: token.suffix })}
        onConfirm={() => run(() => api(base, { method: 'DELETE' }), t.tokens.deleted).then(() => undefined)}
      />
    </>
  );
}
