import { requireAdmin } from '@/app/_lib/admin';
import { getI18n } from '@/app/_lib/i18n';
import { ChatView } from '@/components/chat/chat-view';

export const runtime = 'edge';

export async function generateMetadata() {
  return { title: (await getI18n()).t.chat.title };
}

/** The dashboard chat: the pool directly, authorised by the admin session; models from the live catalog. */
export default async function AdminChatPage() {
  const ctx = await requireAdmin();
  const models = ctx.catalog.list.map((m) => ({ id: m.id, name: m.displayName ?? m.id, kind: m.kind }));
  return (
    <div className="h-[calc(100dvh-3.5rem-2rem)] md:h-[calc(100dvh-3.5rem-3rem)]">
      <ChatView endpoint="/api/admin/chat/completions" models={models} storageKey="g2a_chat_admin" />
    </div>
  );
}
