import { Brand } from './brand';
import { NavLinks } from './nav-links';

/** Desktop navigation (≥ 768 px); the mobile drawer shows the same links. */
export function Sidebar() {
  return (
    <aside className="bg-sidebar text-sidebar-foreground sticky top-0 hidden h-dvh w-56 shrink-0 flex-col gap-6 border-r p-4 md:flex">
      <Brand />
      <NavLinks />
    </aside>
  );
}
