'use client';

import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { Badge } from '@/components/ui/badge';
import { useI18n } from '@/components/i18n-provider';
import type { ModelEntry } from '@/lib/catalog/models';

/** The catalog as a table: each id's upstream mode (Profile B/C), its Profile A fields, tier and units. */
export function ModelTable({ models }: { models: readonly ModelEntry[] }) {
  const { t } = useI18n();
  const tt = t.config.modelTable;
  return (
    <Table data-testid="model-table" className="font-mono text-xs">
      <TableCaption className="text-left font-sans text-xs">{tt.caption}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>{tt.id}</TableHead>
          <TableHead>{tt.kind}</TableHead>
          <TableHead>{tt.mode}</TableHead>
          <TableHead>{tt.profileA}</TableHead>
          <TableHead>{tt.tier}</TableHead>
          <TableHead className="text-right">{tt.units}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {models.map((m) => (
          <TableRow key={m.id} data-testid={`model-row-${m.id}`}>
            <TableCell title={m.displayName}>{m.id}</TableCell>
            <TableCell data-testid="model-kind">
              {m.kind}
              {m.imageMethod && <span className="text-muted-foreground"> · {m.imageMethod}</span>}
            </TableCell>
            <TableCell data-testid="model-mode">
              {m.modeId ? (
                <Badge variant="outline" className="font-mono">
                  {m.modeId}
                </Badge>
              ) : (
                <span className="text-muted-foreground font-sans">{m.kind === 'chat' ? tt.noModeChat : tt.noMode}</span>
              )}
            </TableCell>
            <TableCell data-testid="model-profile-a" className="text-muted-foreground">
              {m.modelName} · {m.modelMode}
            </TableCell>
            <TableCell data-testid="model-tier" data-tier={m.tier} className="font-sans">
              <Badge variant={m.tier === 'super' ? 'warning' : 'secondary'}>{m.tier === 'super' ? tt.tierSuper : tt.tierBasic}</Badge>
              {m.bucket === 'heavy' && <span className="text-muted-foreground"> · {tt.heavyBucket}</span>}
            </TableCell>
            <TableCell data-testid="model-units" className="text-right">
              {m.units}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
