'use client';

import * as React from 'react';
import { PlusIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/components/i18n-provider';
import { KeyFormDialog } from './key-form-dialog';
import type { KeyModelOption } from './types';
import { useOpenEvent } from '@/components/open-event';

export const OPEN_CREATE_KEY = 'g2a:open-create-key';

export function CreateKeyButton({ models }: { models: KeyModelOption[] }) {
  const { t } = useI18n();
  const [open, setOpen] = React.useState(false);
  useOpenEvent(OPEN_CREATE_KEY, React.useCallback(() => setOpen(true), []));
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <PlusIcon /> {t.keys.create}
      </Button>
      <KeyFormDialog open={open} onOpenChange={setOpen} models={models} />
    </>
  );
}
