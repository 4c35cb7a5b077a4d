import { Brand } from './brand';
import { NavLinks } from './nav-links';

/** Desktop navigation (≥ 768 px); the mobile drawer shows the same links. */
export function Sidebar() {
  return (
    <aside className="bg-sidebar text-sidebar-foreground hidden w-56 shrink-0 border-r md:block">
      <div className="sticky top-0 flex max-h-dvh flex-col gap-6 overflow-y-auto p-4">
        <Brand />
        <NavLinks />
      </div>
    </aside>
  );
}
