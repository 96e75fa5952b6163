import { moneyFromDecimal, type Money } from '../../../domain/index.js';

/**
 * A provider's decimal amount as `Money`, or `undefined` when it cannot be exact (a crypto asset,
 * a malformed amount): the amount then stays in the raw evidence only, never guessed.
 */
export const optionalMoney = (
  amount: string | undefined,
  currency: string | undefined,
): Money | undefined => {
  if (amount === undefined || currency === undefined) return undefined;
  const parsed = moneyFromDecimal(amount, currency.toUpperCase());
  return parsed.ok ? parsed.money : undefined;
};
