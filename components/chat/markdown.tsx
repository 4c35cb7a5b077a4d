'use client';

import * as React from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { mediaSrc } from './media';

const components: Components = {
  a: ({ href, children }) => {
    const text = React.Children.toArray(children).join('');
    const citation = /^\[?\d+\]?$/.test(text);
    return (
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className={citation ? 'bg-muted text-muted-foreground hover:text-foreground mx-0.5 rounded px-1 text-xs no-underline' : 'text-primary underline underline-offset-4'}
      >
        {citation ? text.replace(/[[\]]/g, '') : children}
      </a>
    );
  },
  img: ({ src, alt }) => {
    const safe = typeof src === 'string' ? mediaSrc(src) : undefined;
    return safe ? (
      <a href={safe} target="_blank" rel="noopener noreferrer">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={safe} alt={alt ?? ''} loading="lazy" className="my-2 inline-block max-h-96 rounded-lg border" data-testid="chat-image" />
      </a>
    ) : (
      <span className="text-muted-foreground">[{alt || 'image'}]</span>
    );
  },
  pre: ({ children }) => <pre className="bg-muted my-2 overflow-x-auto rounded-md p-3 text-xs">{children}</pre>,
  code: ({ children, className }) => <code className={className ?? 'bg-muted rounded px-1 py-0.5 text-[0.85em]'}>{children}</code>,
  table: ({ children }) => (
    <div className="my-2 overflow-x-auto">
      <table className="w-full text-sm [&_td]:border [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:px-2 [&_th]:py-1">{children}</table>
    </div>
  ),
};

/** Assistant markdown: GFM, no raw HTML; images only from this gateway's /images/ links. */
export const Markdown = React.memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat space-y-2 text-sm leading-relaxed break-words [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_ul]:list-disc">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
