/** Server-side language for a page: cookie `g2a_lang`, else `Accept-Language`. */
import { cookies, headers } from 'next/headers';
import { getDict, LANG_COOKIE, pickLang, type Lang } from '@/lib/i18n';

async function getLang(): Promise<Lang> {
  const [c, h] = await Promise.all([cookies(), headers()]);
  return pickLang(c.get(LANG_COOKIE)?.value, h.get('accept-language'));
}

export async function getI18n() {
  const lang = await getLang();
  return { lang, t: getDict(lang) };
}
