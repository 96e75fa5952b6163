import { describe, expect, it } from 'vitest';
import { overviewFigures } from '../../../src/application/overviewFigures.js';
import type { ColumnFilter, ReadModelQueries } from '../../../src/domain/ports/index.js';

const now = new Date('2026-11-20T12:00:00.000Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

/** Unresolved discrepancies as rows, and the aggregate the overview asks of them. */
const discrepancies = [
  { kind: 'amount-mismatch', status: 'open', openedAt: ago(60) },
  { kind: 'amount-mismatch', status: 'acknowledged', openedAt: ago(2 * 3_600) },
  { kind: 'amount-mismatch', status: 'open', openedAt: ago(3 * 86_400) },
  { kind: 'overdue', status: 'open', openedAt: ago(30 * 86_400) },
  { kind: 'overdue', status: 'open', openedAt: ago(3_600) },
  { kind: 'overdue', status: 'resolved', openedAt: ago(60) },
];

const matches = (row: Record<string, string>, filter: ColumnFilter): boolean => {
  const value = row[filter.column] ?? '';
  switch (filter.op) {
    case 'in':
      return filter.values.map(String).includes(value);
    case '=':
      return value === filter.value;
    case '>':
      return value > String(filter.value);
    case '<=':
      return value <= String(filter.value);
    default:
      throw new Error(`not needed here: ${filter.op}`);
  }
};

const readModels = {
  get: () => ({ counts: { 'success kkiapay': 3, 'pending kkiapay': 1, 'failed kryptogo': 2 } }),
  aggregate: (projection: string, { where = [] }: { where?: readonly ColumnFilter[] }) => {
    if (projection !== 'discrepancies') return [{ key: {}, count: 4, sum: 0n }];
    const byKind = new Map<string, number>();
    for (const row of discrepancies.filter((row) => where.every((f) => matches(row, f)))) {
      byKind.set(row.kind, (byKind.get(row.kind) ?? 0) + 1);
    }
    return [...byKind].map(([kind, count]) => ({ key: { kind }, count, sum: 0n }));
  },
} as unknown as ReadModelQueries;

describe("the console's overview figures", () => {
  it('puts each unresolved discrepancy in one age bucket, by kind, and counts payments by status and provider', async () => {
    const figures = await overviewFigures(
      {
        readModels,
        deliveriesPerMinute: () => [
          { minute: '2026-11-20T11:59', outcome: 'accepted', count: 7 },
          { minute: '2026-11-20T11:59', outcome: 'repeated', count: 1 },
          { minute: '2026-11-20T12:00', outcome: 'rejected', count: 2 },
          { minute: '2026-11-20T10:00', outcome: 'accepted', count: 99 },
        ],
        projections: () => Promise.resolve([]),
        lastCycle: () => null,
        roles: () => Promise.resolve([]),
        backups: () => null,
      },
      now,
    );
    expect(figures.discrepancies.byKind).toEqual({
      'amount-mismatch': { 'under 1 h': 1, '1 h – 1 d': 1, '1 d – 7 d': 1, 'over 7 d': 0 },
      overdue: { 'under 1 h': 0, '1 h – 1 d': 1, '1 d – 7 d': 0, 'over 7 d': 1 },
    });
    expect(figures.discrepancies.total).toBe(5);
    expect(figures.payments).toMatchObject({
      providers: ['kkiapay', 'kryptogo'],
      counts: { success: { kkiapay: 3 }, pending: { kkiapay: 1 }, failed: { kryptogo: 2 } },
      total: 6,
    });
    expect(figures.deliveries).toHaveLength(60);
    expect(figures.deliveries.at(-1)).toEqual({
      minute: '2026-11-20T12:00',
      verified: 0,
      rejected: 2,
    });
    expect(figures.deliveries.at(-2)).toEqual({
      minute: '2026-11-20T11:59',
      verified: 8,
      rejected: 0,
    });
    expect(figures.deliveries.reduce((sum, minute) => sum + minute.verified, 0)).toBe(8);
  });
});
