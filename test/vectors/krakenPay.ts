/**
 * Kraken Pay's published callback test vector (docs.kraken.com/pay/guides/pay-webhook;
 * docs/providers.md §1.5 [KP1]). The private key's PEM is cut off in every known copy, so the
 * token is checked against the two P-256 public keys that ECDSA key recovery gives for its
 * signature (providers.md §1.5: both verify; they cannot say which one Kraken used).
 */
export const publishedKrakenPayToken =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiIsImtpZCI6InRlc3QtcGF5LWNhbGxiYWNrLTEifQ.eyJpc3MiOiJrcmFrZW4tcGF5IiwiYXVkIjpudWxsLCJleHAiOjE3NDk1NDc4NjksInBheWxvYWQiOnsiZXh0ZXJuYWxfaWQiOiJHU29BQUFBQUFBQSIsInN0YXR1cyI6InN1Y2Nlc3MiLCJjdXN0b21lcl9rcmFrdGFnIjoiYm9iIn19.dmlaZ0sdPVodkytuv8IFUj4Sbn0wpywzW51itWCh7dHX-bELdhkwE8pVpIyRYGP42TtyBChbVKwXEfd2-uxTHQ';

/** `exp` of the published token: 1749547869 = 2025-06-10T09:31:09Z. */
export const publishedKrakenPayExpiry = new Date('2025-06-10T09:31:09Z');

export const recoveredKrakenPayKeys = [
  {
    kty: 'EC',
    crv: 'P-256',
    kid: 'test-pay-callback-1',
    x: 'bZTKem2HYASLhJ92_7ZiEZyejuvmX_TYSqbij3u1Y-8',
    y: 'pW_maiG81zNwzSxaOjo4RDqOeDMPnAxNYiFe9FzJG04',
  },
  {
    kty: 'EC',
    crv: 'P-256',
    kid: 'test-pay-callback-1',
    x: 't41S4I676gTrtihf_9iG6XdopVtHFi-_T1LwmilCfgI',
    y: 'eZ5wzCSN7TI6kQ3zUW1fBJnvDiuwqaiIJJ3toedaxTQ',
  },
] as const;
