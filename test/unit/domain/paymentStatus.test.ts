import { describe, expect, it } from 'vitest';
import { canTransition, paymentStatuses, precedes } from '../../../src/domain/index.js';

describe('the status order', () => {
  it('lets pending move to every terminal status and success only to refunded', () => {
    const allowed = paymentStatuses.flatMap((from) =>
      paymentStatuses.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed).toEqual([
      'pending→success',
      'pending→failed',
      'pending→expired',
      'pending→cancelled',
      'pending→refunded',
      'success→refunded',
    ]);
  });

  it('never lets anything move back to pending', () => {
    for (const from of paymentStatuses) expect(canTransition(from, 'pending')).toBe(false);
  });

  it('calls a status late only when the payment has passed it', () => {
    expect(precedes('pending', 'failed')).toBe(true);
    expect(precedes('success', 'refunded')).toBe(true);
    expect(precedes('failed', 'success')).toBe(false);
    expect(precedes('success', 'success')).toBe(false);
  });
});
