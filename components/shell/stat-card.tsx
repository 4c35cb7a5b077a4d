import type { LucideIcon } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';

/** A number with a label (keys and datacenter pages). */
export function StatCard({ label, value, hint, icon: Icon, testId }: { label: string; value: React.ReactNode; hint?: React.ReactNode; icon?: LucideIcon; testId?: string }) {
  return (
    <Card className="gap-2 py-4" data-testid={testId}>
      <CardHeader className="flex flex-row items-center justify-between px-4">
        <CardDescription>{label}</CardDescription>
        {Icon && <Icon className="text-muted-foreground size-4" />}
      </CardHeader>
      <CardContent className="px-4">
        <CardTitle className="text-2xl font-semibold tabular-nums">{value}</CardTitle>
        {hint && <p className="text-muted-foreground mt-1 text-xs">{hint}</p>}
      </CardContent>
    </Card>
  );
}
