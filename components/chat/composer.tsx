'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { ArrowUpIcon, ImagePlusIcon, SquareIcon, XIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { useI18n } from '@/components/i18n-provider';

const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

const readDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });

/** Text box with image attachments; Enter sends, Shift+Enter breaks the line; Stop while streaming. */
export function Composer({ streaming, disabled, onSend, onStop }: { streaming: boolean; disabled?: boolean; onSend: (text: string, images: string[]) => void; onStop: () => void }) {
  const { t } = useI18n();
  const [text, setText] = React.useState('');
  const [images, setImages] = React.useState<string[]>([]);
  const fileRef = React.useRef<HTMLInputElement>(null);

  const send = () => {
    if (streaming || disabled || (!text.trim() && !images.length)) return;
    onSend(text.trim(), images);
    setText('');
    setImages([]);
  };
  const attach = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      if (!file.type.startsWith('image/')) continue;
      if (file.size > MAX_IMAGE_BYTES) {
        toast.error(t.chat.tooLarge);
        continue;
      }
      const url = await readDataUrl(file);
      setImages((s) => [...s, url].slice(0, 4));
    }
  };

  return (
    <form
      className="bg-background focus-within:ring-ring/50 rounded-xl border p-2 shadow-sm focus-within:ring-[3px]"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {images.length > 0 && (
        <div className="flex flex-wrap gap-2 p-1">
          {images.map((src, i) => (
            <div key={i} className="relative">
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={src} alt="" className="size-16 rounded-md border object-cover" />
              <button
                type="button"
                className="bg-background absolute -top-1.5 -right-1.5 rounded-full border p-0.5"
                onClick={() => setImages((s) => s.filter((_, j) => j !== i))}
                aria-label={t.chat.removeAttachment}
              >
                <XIcon className="size-3" />
              </button>
            </div>
          ))}
        </div>
      )}
      <Textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        onPaste={(e) => {
          if (e.clipboardData.files.length) {
            e.preventDefault();
            void attach(e.clipboardData.files);
          }
        }}
        placeholder={t.chat.placeholder}
        aria-label={t.chat.placeholder}
        rows={1}
        className="max-h-48 min-h-10 resize-none border-0 shadow-none focus-visible:ring-0 dark:bg-transparent"
        disabled={disabled}
        data-testid="chat-input"
      />
      <div className="flex items-center justify-between gap-2 pt-1">
        <input ref={fileRef} type="file" accept="image/*" multiple hidden onChange={(e) => (void attach(e.target.files), (e.target.value = ''))} data-testid="chat-file" />
        <Button type="button" variant="ghost" size="icon-sm" onClick={() => fileRef.current?.click()} aria-label={t.chat.attach} disabled={disabled}>
          <ImagePlusIcon />
        </Button>
        {streaming ? (
          <Button type="button" size="icon-sm" variant="secondary" onClick={onStop} aria-label={t.chat.stop} data-testid="chat-stop">
            <SquareIcon className="fill-current" />
          </Button>
        ) : (
          <Button type="submit" size="icon-sm" disabled={disabled || (!text.trim() && !images.length)} aria-label={t.chat.send} data-testid="chat-send">
            <ArrowUpIcon />
          </Button>
        )}
      </div>
    </form>
  );
}
