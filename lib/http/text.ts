/** @module http/text — checks on text that is stored and shown back. */
import { z } from 'zod';

/**
 * A string without lone UTF-16 surrogates: stored as UTF-8 they would come back as replacement characters,
 * so the operator would not see what was saved.
 */
export const wellFormedText = () => z.string().refine((s) => s.isWellFormed(), 'contains an unpaired surrogate (invalid Unicode)');
