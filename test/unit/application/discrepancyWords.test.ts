import { describe, expect, it } from 'vitest';
import { differenceInWords } from '../../../src/application/discrepancyWords.js';
import { paymentView } from '../../../src/application/paymentView.js';
import { foldPayment } from '../../../src/domain/index.js';
import { aRegistration, aReportCommand, historyOf, usd } from '../../support/paymentBuilders.js';

describe('what differs, in the same words everywhere', () => {
  it("puts payrec's value beside the provider's", () => {
    expect(
      differenceInWords('amount-mismatch', {
        field: 'amount',
        payrec: '100.00 USD',
        provider: '90.00 USD',
      }),
    ).toBe('amount: payrec 100.00 USD, provider 90.00 USD');
  });

  it("says a contradicted hint's value was the hint's claim, never payrec's state", () => {
    expect(
      differenceInWords('contradicted-hint', {
        field: 'status',
        payrec: 'success',
        provider: 'failed',
      }),
    ).toBe('status: the hint claimed success, the status endpoint says failed');
  });

  it('shows a missing value as a dash', () => {
    expect(
      differenceInWords('overdue', { field: 'status', payrec: 'pending', provider: null }),
    ).toBe('status: payrec pending, provider —');
  });
});

describe("a payment's discrepancies, as the lists name them", () => {
  it('calls a currency mismatch an amount-mismatch on the currency field, as GET /discrepancies does', () => {
    const state = foldPayment(
      historyOf(
        aRegistration({ amount: usd(10_000), orderId: 'order-42' }),
        aReportCommand('success', { amount: { minor: 10_000, currency: 'EUR' } }),
      ),
    );
    if (state.status === 'unknown') throw new Error('the payment should be known');
    const [discrepancy] = paymentView(state, 2, true).discrepancies;
    expect(discrepancy).toMatchObject({ kind: 'amount-mismatch', field: 'currency' });
    expect(discrepancy?.ours).toContain('USD');
    expect(discrepancy?.theirs).toContain('EUR');
  });
});
