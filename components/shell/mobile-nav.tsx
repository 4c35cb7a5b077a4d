'use client';

import * as React from 'react';
import { MenuIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Sheet, SheetContent, SheetHeader, SheetTitle, SheetTrigger } from '@/components/ui/sheet';
import { useI18n } from '@/components/i18n-provider';
import { NavLinks } from './nav-links';

/** The drawer navigation below 768 px. */
export function MobileNav() {
  const [open, setOpen] = React.useState(false);
  const { t } = useI18n();
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label={t.common.menu}>
          <MenuIcon />
        </Button>
      </SheetTrigger>
      <SheetContent side="left" className="w-64 p-0" closeLabel={t.common.close}>
        <SheetHeader className="border-b">
          <SheetTitle>Grok2API</SheetTitle>
        </SheetHeader>
        <div className="px-3">
          <NavLinks onNavigate={() => setOpen(false)} />
        </div>
      </SheetContent>
    </Sheet>
  );
}
