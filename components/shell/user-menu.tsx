'use client';

import { LogOutIcon, UserIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { useI18n } from '@/components/i18n-provider';
import { api, toastError } from '@/components/api-client';

export function UserMenu({ username }: { username: string }) {
  const { t } = useI18n();
  const logout = async () => {
    try {
      await api('/api/admin/logout', { method: 'POST', body: {} });
      window.location.assign('/login');
    } catch (e) {
      toastError(e);
    }
  };
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={username}>
          <UserIcon />
          <span className="hidden max-w-32 truncate sm:inline">{username}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>{username}</DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={logout}>
          <LogOutIcon /> {t.common.logout}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
