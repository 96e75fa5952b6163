import type { Money } from './money.js';

/** What the merchant told payrec to expect before any report arrived (`POST /payments`). */
export type ExpectedPayment = Readonly<{
  amount?: Money;
  orderId?: string;
  expiresAt?: string;
}>;

export const sameExpectedPayment = (a: ExpectedPayment, b: ExpectedPayment): boolean =>
  a.amount?.minor === b.amount?.minor &&
  a.amount?.currency === b.amount?.currency &&
  a.orderId === b.orderId &&
  a.expiresAt === b.expiresAt;
