'use client';

import * as React from 'react';
import { SearchIcon } from 'lucide-react';
import { Input } from '@/components/ui/input';

/** Search box that reports its value after the user pauses typing. */
export function SearchInput({ value, onSearch, placeholder, delay = 300 }: { value?: string; onSearch: (q: string) => void; placeholder: string; delay?: number }) {
  const [text, setText] = React.useState(value ?? '');
  const first = React.useRef(true);
  React.useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => onSearch(text.trim()), delay);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <div className="relative w-full sm:w-64">
      <SearchIcon className="text-muted-foreground pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2" />
      <Input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={placeholder} aria-label={placeholder} className="h-8 pl-8" />
    </div>
  );
}
