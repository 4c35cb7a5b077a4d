import { ChartColumnIcon, DatabaseIcon, KeyRoundIcon, MessageSquareIcon, SettingsIcon, UsersIcon, type LucideIcon } from 'lucide-react';
import type { Dict } from '@/lib/i18n';

export const NAV_ITEMS: { href: string; label: keyof Dict['nav']; icon: LucideIcon }[] = [
  { href: '/admin/token', label: 'token', icon: UsersIcon },
  { href: '/admin/keys', label: 'keys', icon: KeyRoundIcon },
  { href: '/admin/datacenter', label: 'datacenter', icon: ChartColumnIcon },
  { href: '/admin/config', label: 'config', icon: SettingsIcon },
  { href: '/admin/cache', label: 'cache', icon: DatabaseIcon },
  { href: '/admin/chat', label: 'chat', icon: MessageSquareIcon },
];
