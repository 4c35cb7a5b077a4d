import { CircleAlertIcon } from 'lucide-react';

export function FormError({ children, id }: { children: React.ReactNode; id?: string }) {
  return (
    <p id={id} role="alert" className="text-destructive flex items-start gap-2 text-sm">
      <CircleAlertIcon className="mt-0.5 size-4 shrink-0" />
      <span>{children}</span>
    </p>
  );
}
