import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMoney,
  moneyFromDecimal,
  moneyFromMinorUnits,
} from '../../../src/domain/index.js';

describe('moneyFromDecimal', () => {
  it.each([
    ['300.0', 'TWD', 30_000],
    ['100.00', 'USD', 10_000],
    ['0.01', 'USD', 1],
    ['1000', 'XOF', 1_000],
    ['1000.000', 'XOF', 1_000],
    ['1.234', 'KWD', 1_234],
    ['19.99', 'USD', 1_999],
    ['0.29', 'USD', 29],
  ])('converts "%s" %s exactly to %i minor units', (amount, currency, minor) => {
    expect(moneyFromDecimal(amount, currency)).toEqual({ ok: true, money: { minor, currency } });
  });

  it('never goes through floating point (0.29 * 100 is 28.999999999999996)', () => {
    expect(moneyFromDecimal('1.15', 'USD')).toEqual({
      ok: true,
      money: { minor: 115, currency: 'USD' },
    });
    expect(moneyFromDecimal('4.35', 'USD')).toEqual({
      ok: true,
      money: { minor: 435, currency: 'USD' },
    });
  });

  it('refuses digits beyond the currency exponent instead of rounding them', () => {
    expect(moneyFromDecimal('1.001', 'USD')).toEqual({ ok: false, reason: 'TOO_PRECISE' });
    expect(moneyFromDecimal('10.5', 'XOF')).toEqual({ ok: false, reason: 'TOO_PRECISE' });
  });

  it.each(['', '1,00', '1e3', '0x10', '.5', '5.', ' ', 'NaN', '--1'])(
    'refuses the malformed amount %j',
    (amount) => {
      expect(moneyFromDecimal(amount, 'USD')).toEqual({ ok: false, reason: 'MALFORMED_AMOUNT' });
    },
  );

  it('refuses what is not an ISO 4217 currency', () => {
    expect(moneyFromDecimal('2.53', 'USDT')).toEqual({ ok: false, reason: 'UNKNOWN_CURRENCY' });
    expect(moneyFromDecimal('1', 'BTC')).toEqual({ ok: false, reason: 'UNKNOWN_CURRENCY' });
  });

  it('refuses amounts beyond the safe integer range', () => {
    expect(moneyFromDecimal('90071992547409.93', 'USD')).toEqual({
      ok: false,
      reason: 'OUT_OF_RANGE',
    });
  });
});

describe('currencyExponent', () => {
  it('knows the ISO 4217 exponents of the providers’ currencies', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('TWD')).toBe(2);
    expect(currencyExponent('XOF')).toBe(0);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('ZZZ')).toBeNull();
  });
});

describe('moneyFromMinorUnits and formatMoney', () => {
  it('takes integer amounts as they are', () => {
    expect(moneyFromMinorUnits(1000, 'XOF')).toEqual({
      ok: true,
      money: { minor: 1000, currency: 'XOF' },
    });
    expect(moneyFromMinorUnits(10.5, 'XOF')).toEqual({ ok: false, reason: 'OUT_OF_RANGE' });
  });

  it('formats by the currency exponent', () => {
    expect(formatMoney({ minor: 30_000, currency: 'TWD' })).toBe('TWD 300.00');
    expect(formatMoney({ minor: 5, currency: 'USD' })).toBe('USD 0.05');
    expect(formatMoney({ minor: 1000, currency: 'XOF' })).toBe('XOF 1000');
  });
});
