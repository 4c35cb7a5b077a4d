import Link from 'next/link';
import { ZapIcon } from 'lucide-react';

export function Brand({ href = '/admin/token' }: { href?: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 font-semibold tracking-tight">
      <span className="bg-primary text-primary-foreground flex size-7 items-center justify-center rounded-md">
        <ZapIcon className="size-4" />
      </span>
      Grok2API
    </Link>
  );
}
