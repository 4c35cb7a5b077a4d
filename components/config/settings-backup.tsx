'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { DownloadIcon, UploadIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useI18n } from '@/components/i18n-provider';
import { api, toApiError, toastError } from '@/components/api-client';
import { fmt } from '@/lib/i18n';
import { changedSettings, parseSettingsBackup } from '@/lib/settings/backup';
import type { SettingKey, Settings } from '@/lib/settings/schema';

interface PendingImport {
  file: string;
  doc: unknown;
  total: number;
  changed: SettingKey[];
}

/**
 * Settings backup on the config page: download `GET /api/admin/settings/export`; pick such a file, check it with
 * the server's own parser, confirm what will change, then `POST /api/admin/settings/import`.
 */
export function SettingsBackup({ values }: { values: Settings }) {
  const { t } = useI18n();
  const b = t.config.backup;
  const router = useRouter();
  const input = React.useRef<HTMLInputElement>(null);
  const [pending, setPending] = React.useState<PendingImport | null>(null);
  // Kept apart from `pending` so the dialog keeps its text while it closes.
  const [open, setOpen] = React.useState(false);

  const exportFile = async () => {
    try {
      const res = await fetch('/api/admin/settings/export', { credentials: 'same-origin' });
      if (!res.ok) throw await toApiError(res);
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'grok2api-settings.json';
      const url = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement('a'), { href: url, download: name });
      document.body.appendChild(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
      toast.success(b.exported);
    } catch (err) {
      toastError(err, t.common.requestFailed);
    }
  };

  const pick = async (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ''; // picking the same file again must fire `change` again
    if (!file) return;
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      toast.error(fmt(b.invalidFile, { file: file.name, message: b.notJson }));
      return;
    }
    const parsed = parseSettingsBackup(doc);
    if (!parsed.ok) {
      toast.error(fmt(b.invalidFile, { file: file.name, message: parsed.message }));
      return;
    }
    setPending({ file: file.name, doc, total: Object.keys(parsed.patch).length, changed: changedSettings(values, parsed.patch) });
    setOpen(true);
  };

  const runImport = async () => {
    if (!pending) return;
    try {
      const r = await api<{ applied: number }>('/api/admin/settings/import', { method: 'POST', body: pending.doc });
      toast.success(fmt(b.imported, { count: r.applied }));
      router.refresh();
    } catch (err) {
      toastError(err, t.common.requestFailed);
    }
  };

  const label = (key: SettingKey) => (t.config.fields as Partial<Record<string, { label: string }>>)[key]?.label ?? key;
  const description = !pending
    ? ''
    : pending.changed.length
      ? fmt(b.importChanges, { count: pending.changed.length, total: pending.total, keys: pending.changed.map(label).join(', ') })
      : fmt(b.importNoChanges, { total: pending.total });

  return (
    <>
      <Button type="button" variant="outline" onClick={exportFile} data-testid="settings-export">
        <DownloadIcon /> {b.export}
      </Button>
      <Button type="button" variant="outline" onClick={() => input.current?.click()} data-testid="settings-import">
        <UploadIcon /> {b.import}
      </Button>
      <input ref={input} type="file" accept="application/json,.json" className="hidden" onChange={pick} data-testid="settings-import-file" />
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={fmt(b.importTitle, { file: pending?.file ?? '' })}
        description={description}
        confirmLabel={b.importConfirm}
        onConfirm={runImport}
      />
    </>
  );
}
