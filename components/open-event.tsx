'use client';

import * as React from 'react';
import { Button } from '@/components/ui/button';

/**
 * Lets an empty state's call to action open a dialog owned by the page header, so the dialog (and what it
 * shows after success, e.g. a new key) survives the empty state disappearing when the data reloads.
 */
export function useOpenEvent(name: string, open: () => void) {
  React.useEffect(() => {
    const handler = () => open();
    window.addEventListener(name, handler);
    return () => window.removeEventListener(name, handler);
  }, [name, open]);
}

export function OpenEventButton({ event, children }: { event: string; children: React.ReactNode }) {
  return <Button onClick={() => window.dispatchEvent(new Event(event))}>{children}</Button>;
}
