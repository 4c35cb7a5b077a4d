/**
 * @module admin/key-schema
 * The API-key request schema, shared by `POST/PATCH /api/admin/keys` and the dashboard's key form
 * (no server imports, so client components can use it).
 */
import { z } from 'zod';
import { wellFormedText } from '@/lib/http/text';

const limit = z.number().int().min(0).max(1_000_000).optional();
const keyLimitsSchema = z.object({
  chatPerDay: limit,
  heavyPerDay: limit,
  imagePerDay: limit,
  videoPerDay: limit,
  rpm: z.number().int().min(1).max(100_000).optional(),
  concurrency: z.number().int().min(1).max(1000).optional(),
});
const modelsSchema = z.array(z.string().min(1).max(100)).max(200).nullable();
export const keyCreateSchema = z.object({
  name: wellFormedText().trim().min(1, 'name is required').max(100),
  expiresAt: z.number().int().positive().nullable().optional(),
  models: modelsSchema.optional(),
  limits: keyLimitsSchema.optional(),
});
