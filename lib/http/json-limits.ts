/** @module http/json-limits — limits on client JSON that is echoed or printed back. */
import { z } from 'zod';

/** Deeper than any real JSON Schema; a value past it would overflow the stack when printed. */
const MAX_SCHEMA_DEPTH = 64;

/** Whether `value` nests at most `max` objects/arrays deep (iterative: the check itself cannot overflow). */
export function depthWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d >= max) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return true;
}

/** A tool's JSON Schema: anything, but not nested past MAX_SCHEMA_DEPTH. */
export const toolSchema = () => z.unknown().refine((v) => depthWithin(v, MAX_SCHEMA_DEPTH), `nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
