import { paymentFromKey, paymentKey, type PaymentId, type ProviderName } from '../domain/index.js';
import type { ReadModelQueries } from '../domain/ports/index.js';
import { paymentsProjectionName, storedPayment } from '../projections/index.js';
import type { DuePayment } from './reconciler.js';

/** The reconciler's view of the `payments` read model: its due index, and one payment's kind. */
export const paymentsDue = (readModels: ReadModelQueries) => ({
  selectDue: (dueBy: string, limit: number, provider?: ProviderName): DuePayment[] =>
    readModels
      .due(paymentsProjectionName, { dueBy, limit, ...(provider ? { provider } : {}) })
      .flatMap((row) => {
        const payment = paymentFromKey(row.id);
        return payment ? [{ payment }] : [];
      }),
  objectOf: (payment: PaymentId): string | null => {
    const document = storedPayment(
      readModels.get(paymentsProjectionName, paymentKey(payment)),
      payment,
    );
    return document?.providerObject ?? null;
  },
});
