import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localDays } from '../../../src/application/settlementReport.js';

const hoursOf = (day: Readonly<{ start: string; end: string }>) =>
  (Date.parse(day.end) - Date.parse(day.start)) / 3_600_000;

/** The local days of a settlement report: where each begins and ends, in UTC. */
describe('the local days of a report', () => {
  it('are UTC days in UTC, one after another', () => {
    expect(localDays('2026-11-20', '2026-11-21', 'UTC')).toEqual([
      { day: '2026-11-20', start: '2026-11-20T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' },
      { day: '2026-11-21', start: '2026-11-21T00:00:00.000Z', end: '2026-11-22T00:00:00.000Z' },
    ]);
  });

  it('last 23 and 25 hours on the days a clock changes (Paris, 2026)', () => {
    const spring = localDays('2026-03-28', '2026-03-30', 'Europe/Paris');
    expect(spring.map(hoursOf)).toEqual([24, 23, 24]);
    expect(spring[2]).toEqual({
      day: '2026-03-30',
      start: '2026-03-29T22:00:00.000Z',
      end: '2026-03-30T22:00:00.000Z',
    });
    expect(localDays('2026-10-24', '2026-10-26', 'Europe/Paris').map(hoursOf)).toEqual([
      24, 25, 24,
    ]);
  });

  it('begin at the first instant a clock shows on a day whose midnight it skipped, and at midnight again the next day (Santiago)', () => {
    // Chile moves its clocks from 00:00 to 01:00 on 6 September 2026.
    expect(localDays('2026-09-05', '2026-09-08', 'America/Santiago')).toEqual([
      { day: '2026-09-05', start: '2026-09-05T04:00:00.000Z', end: '2026-09-06T04:00:00.000Z' },
      { day: '2026-09-06', start: '2026-09-06T04:00:00.000Z', end: '2026-09-07T03:00:00.000Z' },
      { day: '2026-09-07', start: '2026-09-07T03:00:00.000Z', end: '2026-09-08T03:00:00.000Z' },
      { day: '2026-09-08', start: '2026-09-08T03:00:00.000Z', end: '2026-09-09T03:00:00.000Z' },
    ]);
  });

  it('are, in any zone and period, each day of the period once, each beginning at the first instant a clock there shows its date', () => {
    // Not Luxon's startOf('day'): where a clock goes back across midnight (Casey, 8 March 2020,
    // 03:00 at +11 back to 00:00 at +8) midnight comes twice, and Luxon picks the second.
    const dateAt = (instant: number, zone: string) =>
      DateTime.fromMillis(instant, { zone }).toISODate() ?? '';
    const zones = Intl.supportedValuesOf('timeZone');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 365 }),
        (zone, offsetDays, length) => {
          const from = DateTime.fromISO('2020-01-01', { zone: 'UTC' }).plus({ days: offsetDays });
          const to = from.plus({ days: length });
          const days = localDays(from.toISODate() ?? '', to.toISODate() ?? '', zone);
          expect(days).toHaveLength(length + 1);
          days.forEach((day, index) => {
            const begins = Date.parse(day.start);
            expect(day.day).toBe(from.plus({ days: index }).toISODate());
            expect(dateAt(begins, zone)).toBe(day.day);
            expect(dateAt(begins - 1, zone) < day.day).toBe(true);
            expect(day.end).toBe(days[index + 1]?.start ?? day.end);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('begin at the first of two midnights where a clock goes back across one (Casey)', () => {
    expect(localDays('2020-03-08', '2020-03-08', 'Antarctica/Casey')).toEqual([
      { day: '2020-03-08', start: '2020-03-07T13:00:00.000Z', end: '2020-03-08T16:00:00.000Z' },
    ]);
  });

  it('cover at most 366 days, and refuse a period that ends before it begins', () => {
    expect(localDays('2027-01-01', '2027-12-31', 'Asia/Taipei')).toHaveLength(365);
    expect(localDays('2028-01-01', '2028-12-31', 'Asia/Taipei')).toHaveLength(366);
    expect(() => localDays('2027-01-01', '2028-01-02', 'UTC')).toThrow(/at most 366 days/);
    expect(() => localDays('2026-11-21', '2026-11-20', 'UTC')).toThrow(/not be before/);
    expect(() => localDays('2026-11-31', '2026-12-01', 'UTC')).toThrow(/YYYY-MM-DD/);
  });
});
