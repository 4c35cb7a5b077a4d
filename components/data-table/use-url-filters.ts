'use client';

import * as React from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';

/**
 * Filters and the page live in the URL, so the server component loads exactly what is shown and a reload
 * (or a shared link) keeps them. Changing a filter goes back to page 1.
 */
export function useUrlFilters() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = React.useTransition();
  // The query we last asked for: a second change made before the first navigation commits builds on it.
  const latest = React.useRef(params.toString());
  React.useEffect(() => {
    latest.current = params.toString();
  }, [params]);

  const set = React.useCallback(
    (changes: Record<string, string | number | undefined | null>) => {
      const next = new URLSearchParams(latest.current);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === null || v === '' || v === 'all') next.delete(k);
        else next.set(k, String(v));
      }
      if (!('page' in changes)) next.delete('page');
      const qs = next.toString();
      latest.current = qs;
      startTransition(() => router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false }));
    },
    [pathname, router],
  );

  const refresh = React.useCallback(() => startTransition(() => router.refresh()), [router]);
  return { get: (k: string) => params.get(k) ?? undefined, set, pending, refresh };
}
