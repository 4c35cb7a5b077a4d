import { LangSwitch } from './lang-switch';
import { ThemeToggle } from './theme-toggle';
import { MobileNav } from './mobile-nav';
import { UserMenu } from './user-menu';
import { Brand } from './brand';

export function SiteHeader({ username }: { username?: string }) {
  return (
    <header className="bg-background/95 supports-[backdrop-filter]:bg-background/70 sticky top-0 z-40 flex h-14 items-center gap-2 border-b px-3 backdrop-blur md:px-6">
      {username && <MobileNav />}
      <div className={username ? 'md:hidden' : undefined}>
        <Brand href={username ? '/admin/token' : '/chat'} />
      </div>
      <div className="ml-auto flex items-center gap-1">
        <LangSwitch />
        <ThemeToggle />
        {username && <UserMenu username={username} />}
      </div>
    </header>
  );
}
