import { describe, expect, it } from 'vitest';
import { discrepancyOfPublicId, publicDiscrepancyId } from '../../../src/projections/index.js';

describe('public discrepancy ids', () => {
  it('name the payment and its discrepancy, whatever the ref holds', () => {
    for (const ref of ['Q-1', 'order#42', 'a#b#c', 'réf/ünï#ç😀', 'x'.repeat(256)]) {
      const id = publicDiscrepancyId(
        { provider: 'kraken-embed', ref },
        'amount-mismatch:USD 1.00->USD 0.99',
      );
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(discrepancyOfPublicId(id)).toEqual({
        paymentKey: `kraken-embed/${ref}`,
        discrepancyId: 'amount-mismatch:USD 1.00->USD 0.99',
      });
    }
  });

  it('refuses what payrec never issued', () => {
    const id = publicDiscrepancyId({ provider: 'kkiapay', ref: 'K-1' }, 'overdue:pending->x');
    expect(discrepancyOfPublicId(`${id}=`)).toBeNull();
    expect(discrepancyOfPublicId('bm9wZQ')).toBeNull(); // "nope": no separator
    expect(discrepancyOfPublicId('')).toBeNull();
    expect(discrepancyOfPublicId('a'.repeat(5000))).toBeNull();
  });
});
