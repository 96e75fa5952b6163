import { paymentIdSchema, type PaymentId, type ProviderName } from '../../domain/index.js';
import { paymentsProjection } from '../../projections/index.js';
import type { SqliteReadModelStore } from '../readModels/sqliteReadModelStore.js';
import type { DuePayment } from './reconciler.js';

const documentId = (payment: PaymentId) => `${payment.provider}/${payment.ref}`;

const paymentOf = (id: string): PaymentId | null => {
  const slash = id.indexOf('/');
  const parsed = paymentIdSchema.safeParse({
    provider: id.slice(0, slash),
    ref: id.slice(slash + 1),
  });
  return parsed.success ? parsed.data : null;
};

/** The reconciler's view of the `payments` read model: its due index, and one payment's kind. */
export const paymentsDue = (readModels: SqliteReadModelStore) => ({
  selectDue: (dueBy: string, limit: number, provider?: ProviderName): DuePayment[] =>
    readModels
      .due(paymentsProjection.name, { dueBy, limit, ...(provider ? { provider } : {}) })
      .flatMap((row) => {
        const payment = paymentOf(row.id);
        return payment ? [{ payment }] : [];
      }),
  objectOf: (payment: PaymentId): string | null => {
    const document = readModels.get(paymentsProjection.name, documentId(payment));
    const object = document?.['providerObject'];
    return typeof object === 'string' ? object : null;
  },
  countDue: (dueBy: string): number => readModels.countDue(paymentsProjection.name, dueBy),
});
