import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settingsSchema, validateSettingsPatch, type SettingKey } from '@/lib/settings/schema';
import { GROUPS } from './field-meta';

const fields = GROUPS.flatMap((g) => g.fields);
const jsonSchema = (key: SettingKey) => z.toJSONSchema(settingsSchema.shape[key], { unrepresentable: 'any' }) as Record<string, unknown>;

describe('config field meta', () => {
  it('shows every setting of the schema in exactly one group', () => {
    const shown = fields.map((f) => f.key).sort();
    expect(shown).toEqual(Object.keys(settingsSchema.shape).sort());
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('gives number fields the range the schema validates', () => {
    const numbers = fields.flatMap((f) => (f.control.kind === 'number' ? [{ key: f.key, ...f.control }] : []));
    expect(numbers.length).toBeGreaterThan(0);
    for (const { key, min, max } of numbers) {
      const s = jsonSchema(key);
      expect({ key, min, max }).toEqual({ key, min: s.minimum, max: s.maximum });
      expect(validateSettingsPatch({ [key]: min }).ok, `${key} = min`).toBe(true);
      expect(validateSettingsPatch({ [key]: max }).ok, `${key} = max`).toBe(true);
      expect(validateSettingsPatch({ [key]: min - 1 }).ok, `${key} < min`).toBe(false);
      expect(validateSettingsPatch({ [key]: max + 1 }).ok, `${key} > max`).toBe(false);
    }
  });

  it('offers select fields exactly the values of the schema enum', () => {
    const selects = fields.flatMap((f) => (f.control.kind === 'select' ? [{ key: f.key, options: f.control.options }] : []));
    expect(selects.map((s) => s.key).sort()).toEqual(
      (Object.keys(settingsSchema.shape) as SettingKey[]).filter((k) => Array.isArray(jsonSchema(k).enum)).sort(),
    );
    for (const { key, options } of selects) expect({ key, options }).toEqual({ key, options: jsonSchema(key).enum });
  });

  it('edits booleans with a switch', () => {
    for (const f of fields) expect({ key: f.key, switch: f.control.kind === 'switch' }).toEqual({ key: f.key, switch: jsonSchema(f.key).type === 'boolean' });
  });
});
