import { getI18n } from '@/app/_lib/i18n';
import { SiteHeader } from '@/components/shell/site-header';
import { PublicChat } from '@/components/chat/public-chat';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.chat.publicTitle };
}

/** Public chat: no admin session; the visitor's API key stays in the browser. */
export default function ChatPage() {
  return (
    <div className="flex h-dvh flex-col">
      <SiteHeader />
      <main className="min-h-0 flex-1 p-3 md:p-6">
        <PublicChat />
      </main>
    </div>
  );
}
