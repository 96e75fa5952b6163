import { z } from 'zod';

/**
 * An amount in the minor unit of an ISO 4217 currency: `{ minor: 30000, currency: 'TWD' }` is
 * TWD 300.00. Integers only; never a floating-point amount (docs/http.md, "Payment identity").
 */
export type Money = Readonly<{ minor: number; currency: string }>;

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code');

/**
 * ISO 4217 minor-unit exponents that are not 2. Every other code that the runtime's ICU data
 * knows as a currency has exponent 2. (CLDR's display digits differ from ISO 4217 for a few
 * currencies, so those are not taken from `Intl.NumberFormat`.)
 */
const exponentsOtherThanTwo: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const knownCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** The ISO 4217 exponent of `currency`, or `null` when it is not an ISO 4217 currency (BTC, USDT…). */
export const currencyExponent = (currency: string): number | null => {
  const special = exponentsOtherThanTwo[currency];
  if (special !== undefined) return special;
  return knownCurrencies.has(currency) ? 2 : null;
};

export type MoneyParseResult =
  | { ok: true; money: Money }
  | { ok: false; reason: 'UNKNOWN_CURRENCY' | 'MALFORMED_AMOUNT' | 'TOO_PRECISE' | 'OUT_OF_RANGE' };

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Converts a provider's decimal string ("300.0", "100.00", "1000") into minor units exactly,
 * by string arithmetic: `"300.0" TWD` → `30000`. Fractional digits beyond the currency's
 * exponent are accepted only when they are zeros; anything else is `TOO_PRECISE`, never rounded.
 * Returns a union; never throws.
 */
export const moneyFromDecimal = (amount: string, currency: string): MoneyParseResult => {
  const exponent = currencyExponent(currency);
  if (exponent === null) return { ok: false, reason: 'UNKNOWN_CURRENCY' };
  const match = decimalPattern.exec(amount.trim());
  if (!match) return { ok: false, reason: 'MALFORMED_AMOUNT' };
  const [, sign = '', whole = '', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) return { ok: false, reason: 'TOO_PRECISE' };
  const digits = `${whole}${significant.padEnd(exponent, '0')}`;
  const minor = Number(BigInt(`${sign}${digits}`));
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: 'OUT_OF_RANGE' };
  return { ok: true, money: { minor: minor === 0 ? 0 : minor, currency } };
};

/**
 * Takes a provider's amount that is already an integer in major units of a zero-exponent
 * currency or in minor units (KKiaPay sends XOF integers). Returns a union; never throws.
 */
export const moneyFromMinorUnits = (minor: number, currency: string): MoneyParseResult => {
  if (currencyExponent(currency) === null) return { ok: false, reason: 'UNKNOWN_CURRENCY' };
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: 'OUT_OF_RANGE' };
  return { ok: true, money: { minor, currency } };
};

/**
 * An exact amount in minor units as a decimal string with the currency's exponent:
 * `(30000n, 'TWD')` → `"300.00"`, `(-5n, 'USD')` → `"-0.05"`, `(1500n, 'XOF')` → `"1500"`. A
 * currency with no ISO 4217 exponent is written in its minor units.
 */
export const decimalAmount = (minor: bigint | number, currency: string): string => {
  const exponent = currencyExponent(currency) ?? 0;
  const negative = minor < 0;
  // Exact either way: a number here is a safe integer (Money's rule), a bigint any integer.
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
};

/** Whether two amounts are the same; two absent ones (null or undefined) are. */
export const sameMoney = (a: Money | null | undefined, b: Money | null | undefined): boolean =>
  a?.minor === b?.minor && a?.currency === b?.currency;

/** "TWD 300.00": for reasons and audit trails, never for arithmetic. */
export const formatMoney = (money: Money): string =>
  `${money.currency} ${decimalAmount(money.minor, money.currency)}`;
