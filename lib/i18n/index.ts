/**
 * @module i18n
 * A typed dictionary per language (`en.ts`, `zh.ts`). The language comes from the `g2a_lang` cookie, else
 * from `Accept-Language`; the header switch sets the cookie.
 */
import { en, type Dict } from './en';
import { zh } from './zh';

export type { Dict };
const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = 'g2a_lang';

const DICTS: Record<Lang, Dict> = { en, zh };

export function getDict(lang: Lang): Dict {
  return DICTS[lang];
}

function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** Cookie first; else the first Accept-Language entry that is Chinese or English (q-values respected). */
export function pickLang(cookie: string | undefined, acceptLanguage: string | null | undefined): Lang {
  if (isLang(cookie)) return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag, q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Fills `{name}` placeholders. */
export function fmt(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
