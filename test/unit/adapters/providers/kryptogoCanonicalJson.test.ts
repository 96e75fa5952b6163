import { describe, expect, it } from 'vitest';
import {
  kryptogoCanonicalJson,
  kryptogoSignature,
} from '../../../../src/adapters/providers/index.js';
import { Secret } from '../../../../src/secret.js';
import {
  kryptogoAstralKeysBody,
  kryptogoAstralKeysCanonical,
  kryptogoSampleBody,
  kryptogoSampleCanonical,
  kryptogoSampleSecret,
  kryptogoSampleSignature,
} from '../../../vectors/kryptogo.js';

describe('KryptoGO canonical form', () => {
  it('sorts keys at every depth, drops the signature, and writes no whitespace', () => {
    expect(kryptogoCanonicalJson({ ...kryptogoSampleBody, signature: 'ignored' })).toBe(
      kryptogoSampleCanonical,
    );
  });

  it('sorts keys by code point, not by UTF-16 code unit', () => {
    expect(kryptogoCanonicalJson(kryptogoAstralKeysBody)).toBe(kryptogoAstralKeysCanonical);
  });

  it('signs the sample as an independent implementation does', () => {
    expect(kryptogoSignature(new Secret(kryptogoSampleSecret), kryptogoSampleBody)).toBe(
      kryptogoSampleSignature,
    );
  });
});
