import { describe, expect, it } from 'vitest';
import { krakenApiSign } from '../../../../src/adapters/providers/index.js';
import { Secret } from '../../../../src/secret.js';
import { krakenApiSignVector as vector } from '../../../vectors/krakenApiSign.js';

describe('Kraken API-Sign', () => {
  it("reproduces Kraken's published example", () => {
    expect(krakenApiSign({ ...vector, secret: new Secret(vector.secret) })).toBe(vector.signature);
  });

  it('changes with any byte of the path, nonce or body', () => {
    const secret = new Secret(vector.secret);
    expect(krakenApiSign({ ...vector, secret, body: `${vector.body} ` })).not.toBe(
      vector.signature,
    );
    expect(krakenApiSign({ ...vector, secret, nonce: '1616492376595' })).not.toBe(vector.signature);
    expect(krakenApiSign({ ...vector, secret, path: '/0/private/AddOrdeR' })).not.toBe(
      vector.signature,
    );
  });
});
