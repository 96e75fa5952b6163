import { describe, expect, it } from 'vitest';
import type { ColumnFilter } from '../../../../src/domain/ports/index.js';
import { conditionsOf } from '../../../../src/adapters/readModels/readModelSql.js';

/** The columns of a table as the schema checks them: known ones only, in SQL's spelling. */
const schema = {
  column: (_projection: string, name: string) => {
    if (!['status', 'amountMinor', 'updatedAt'].includes(name)) throw new Error(`no ${name}`);
    return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  },
  instantsOf: () => new Set(['updatedAt']),
};

describe('the read models’ SQL conditions', () => {
  it('bind every value and write only known columns and operators', () => {
    expect(
      conditionsOf(schema, 'payments', [
        { column: 'status', op: 'in', values: ['open', 'acknowledged'] },
        { column: 'amountMinor', op: '>=', value: 100, orNull: true },
        { column: 'updatedAt', op: 'not-null' },
      ]),
    ).toEqual({
      conditions: [
        'status IN (?, ?)',
        '(amount_minor >= ? OR amount_minor IS NULL)',
        'updated_at IS NOT NULL',
      ],
      params: ['open', 'acknowledged', 100],
    });
  });

  it('bind an instant as the integer its column keeps, and a value that is none as it is', () => {
    expect(
      conditionsOf(schema, 'payments', [
        { column: 'updatedAt', op: '>=', value: '2026-11-24T10:00:00.000Z' },
        { column: 'updatedAt', op: '<', value: 'not an instant' },
      ]).params,
    ).toEqual([Date.UTC(2026, 10, 24, 10), 'not an instant']);
  });

  it('refuse an operator outside the list, whatever its type claimed', () => {
    const smuggled = {
      column: 'status',
      op: '= status OR 1 = 1 --',
      value: 'x',
    } as unknown as ColumnFilter;
    expect(() => conditionsOf(schema, 'payments', [smuggled])).toThrow(
      'invalid operator "= status OR 1 = 1 --"',
    );
  });

  it('refuse a column the table does not have', () => {
    expect(() =>
      conditionsOf(schema, 'payments', [{ column: 'document', op: '=', value: 'x' }]),
    ).toThrow('no document');
  });
});
