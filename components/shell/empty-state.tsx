import type { LucideIcon } from 'lucide-react';

/** Empty list with a call to action. */
export function EmptyState({ icon: Icon, title, text, children }: { icon: LucideIcon; title: string; text?: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-3 rounded-xl border border-dashed px-6 py-14 text-center" data-testid="empty-state">
      <div className="bg-muted flex size-12 items-center justify-center rounded-full">
        <Icon className="text-muted-foreground size-6" />
      </div>
      <div className="space-y-1">
        <h2 className="text-lg font-semibold">{title}</h2>
        {text && <p className="text-muted-foreground max-w-sm text-sm">{text}</p>}
      </div>
      {children}
    </div>
  );
}
