/**
 * @module grok/values
 * Reading fields of upstream JSON, which may be missing or of another type than the spec says: each helper
 * returns the value when it has the expected type, else undefined.
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A string with at least one character. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
