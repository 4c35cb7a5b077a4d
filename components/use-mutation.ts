'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { toastError } from '@/components/api-client';

/** Runs a mutation, toasts the outcome and reloads the server data. */
export function useMutation() {
  const router = useRouter();
  const [pending, startTransition] = React.useTransition();
  const [running, setRunning] = React.useState(false);
  const run = React.useCallback(
    async <T,>(fn: () => Promise<T>, success?: string | ((r: T) => string)): Promise<T | undefined> => {
      setRunning(true);
      try {
        const result = await fn();
        if (success) toast.success(typeof success === 'function' ? success(result) : success);
        startTransition(() => router.refresh());
        return result;
      } catch (e) {
        toastError(e);
        return undefined;
      } finally {
        setRunning(false);
      }
    },
    [router],
  );
  return { run, pending: pending || running };
}
