import type { PaymentId } from './paymentId.js';

/**
 * A command or an event of one payment: its type, and its data, which always names the payment
 * (the shape of emmett's `Command<Type, Data>` and `Event<Type, Data>`).
 */
export type PaymentMessage<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<{ payment: PaymentId } & Data>;
}>;
