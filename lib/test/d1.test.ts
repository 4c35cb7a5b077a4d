import { describe, expect, it } from 'vitest';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { deletionOrder } from './d1';

// The schema has no foreign keys today; these tables stand in for the first ones it gets.
const parent = sqliteTable('parent', { id: text('id').primaryKey() });
const child = sqliteTable('child', { id: text('id').primaryKey(), parentId: text('parent_id').references(() => parent.id) });
const grandchild = sqliteTable('grandchild', { id: text('id').primaryKey(), childId: text('child_id').references(() => child.id) });
const other = sqliteTable('other', { id: text('id').primaryKey() });

describe('deletionOrder', () => {
  it('empties a table before the tables it references, whatever order they were named in', () => {
    expect(deletionOrder([parent, other, grandchild, child])).toEqual([grandchild, child, parent, other]);
  });

  it('keeps the given order where no foreign key decides, and names each table once', () => {
    expect(deletionOrder([other, parent, other])).toEqual([other, parent]);
  });
});
