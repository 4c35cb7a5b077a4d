import { Localized } from '@/app/_lib/localized';

export const runtime = 'edge';

export default function Layout({ children }: { children: React.ReactNode }) {
  return <Localized>{children}</Localized>;
}
