import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inputProblems } from '../../../src/application/index.js';
import { paymentStatuses } from '../../../src/domain/index.js';

const query = z.strictObject({
  status: z.enum(paymentStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code')
    .optional(),
  note: z.string().min(1),
});

const problemsOf = (input: Record<string, unknown>, nameOf?: (field: string) => string) => {
  const parsed = query.safeParse(input);
  if (parsed.success) throw new Error('the input was expected to fail');
  return inputProblems(parsed.error, input, nameOf);
};

describe('what is wrong with a person’s input', () => {
  it('names each field, the value it had and what it takes, and calls an unknown one unknown', () => {
    expect(
      problemsOf({
        status: 'paid',
        limit: '0',
        createdFrom: 'yesterday',
        currency: 'usd',
        colour: 'red',
        note: '',
      }),
    ).toEqual([
      'status "paid" is not one of pending, success, failed, expired, cancelled, refunded',
      'limit "0" is below 1',
      'createdFrom "yesterday" is not an ISO-8601 instant with a time zone (e.g. 2026-11-24T10:00:00Z)',
      'currency "usd" must be a three-letter ISO 4217 code',
      'note is too short (at least 1 character)',
      'colour is an unknown parameter',
    ]);
  });

  it('says a missing field is required, a word is not a number, and a long value is cut short', () => {
    expect(problemsOf({ limit: 'ten' })).toEqual([
      'limit "ten" is not a number',
      'note is required',
    ]);
    expect(problemsOf({ note: 'x', status: 'p'.repeat(60) })).toEqual([
      `status "${'p'.repeat(40)}…" is not one of pending, success, failed, expired, cancelled, refunded`,
    ]);
  });

  it('names fields as the command line does when asked', () => {
    expect(
      problemsOf(
        { note: 'x', createdFrom: 'soon' },
        (field) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      ),
    ).toEqual([
      '--created-from "soon" is not an ISO-8601 instant with a time zone (e.g. 2026-11-24T10:00:00Z)',
    ]);
  });
});
