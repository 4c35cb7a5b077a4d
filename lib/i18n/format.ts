/** @module i18n/format — numbers, bytes, dates and relative times in the page language. */
import type { Lang } from './index';

const locale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en-US');

export function formatNumber(lang: Lang, n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(n);
}

export function formatBytes(lang: Lang, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(lang, v, i ? 1 : 0)} ${units[i]}`;
}

export function formatDateTime(lang: Lang, ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(ms));
}

/** "3 minutes ago" / "in 2 hours". */
export function formatRelative(lang: Lang, ms: number, now = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale(lang), { numeric: 'auto' });
  if (abs < 45_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 45 * 60_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 22 * 3_600_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/** "4m 05s" countdown. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(sec).padStart(2, '0')}s`;
}

export function formatMs(lang: Lang, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${formatNumber(lang, ms / 1000, 2)} s` : `${formatNumber(lang, ms)} ms`;
}
