'use client';

import { useState } from 'react';
import { Textarea } from '@/components/ui/textarea';

/** `alias = catalog id` per line ⇄ the `model_aliases` object; the text stays as typed while editing. */
export function AliasesField({ id, value, onChange, invalid, describedBy }: { id: string; value: unknown; onChange: (v: unknown) => void; invalid: boolean; describedBy: string }) {
  const toText = (v: unknown) =>
    Object.entries((v && typeof v === 'object' ? v : {}) as Record<string, string>)
      .map(([alias, target]) => `${alias} = ${target}`)
      .join('\n');
  const [text, setText] = useState(() => toText(value));
  const parse = (t: string) => {
    const out: Record<string, string> = {};
    for (const line of t.split('\n')) {
      const [alias, target] = line.split('=').map((s) => s.trim());
      if (alias && target) out[alias] = target;
    }
    return out;
  };
  return (
    <Textarea
      id={id}
      data-testid={id}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      rows={3}
      className="font-mono text-xs"
      placeholder="claude-sonnet-4-5 = grok-4"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}
