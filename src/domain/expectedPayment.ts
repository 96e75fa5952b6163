import { sameMoney, type Money } from './money.js';

/** What the merchant told payrec to expect before any report arrived (`POST /payments`). */
export type ExpectedPayment = Readonly<{
  amount?: Money;
  orderId?: string;
  expiresAt?: string;
}>;

export const sameExpectedPayment = (a: ExpectedPayment, b: ExpectedPayment): boolean =>
  sameMoney(a.amount, b.amount) && a.orderId === b.orderId && a.expiresAt === b.expiresAt;
