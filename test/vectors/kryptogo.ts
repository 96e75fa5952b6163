/**
 * KryptoGO publishes no signature vector (docs/providers.md §3.4). This one applies payrec's
 * canonical form (docs/webhooks.md) to the seed's sample callback [KG1], computed independently
 * of payrec with Python 3.11: `json.dumps(body, sort_keys=True, separators=(',', ':'),
 * ensure_ascii=False)` then `hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()`.
 */
export const kryptogoSampleBody = {
  payment_intent_id: '0h39QkYfZps7AUD1xQsj3MDFVLIMaGoV',
  status: 'success',
  payment_chain_id: 'arb',
  symbol: 'USDT',
  fiat_amount: '300.0',
  fiat_currency: 'TWD',
  crypto_amount: '2.53',
  received_crypto_amount: '2.53',
  payment_tx_hash: '0x1234...cdef',
  order_data: { order_id: 'uid_12345', item_id: '100' },
  callback_url: 'https://example.com/callback',
  timestamp: 1715462400,
} as const;

export const kryptogoSampleSecret = 'kryptogo-test-secret-0123456789';

export const kryptogoSampleCanonical =
  '{"callback_url":"https://example.com/callback","crypto_amount":"2.53","fiat_amount":"300.0","fiat_currency":"TWD","order_data":{"item_id":"100","order_id":"uid_12345"},"payment_chain_id":"arb","payment_intent_id":"0h39QkYfZps7AUD1xQsj3MDFVLIMaGoV","payment_tx_hash":"0x1234...cdef","received_crypto_amount":"2.53","status":"success","symbol":"USDT","timestamp":1715462400}';

export const kryptogoSampleSignature =
  '0669dad1cff53e8c61bb2ac250128b4e67fa32e7455e8ad66ed92d0317f8b182';

/** Keys outside the Basic Multilingual Plane sort after U+FFFF by code point (Python agrees). */
export const kryptogoAstralKeysBody = {
  z: 1,
  a: { é: 'x', b: [3, { d: true, c: null }] },
  '😀': 'astral',
  '\uffff': 'bmp-last',
};
export const kryptogoAstralKeysCanonical =
  '{"a":{"b":[3,{"c":null,"d":true}],"é":"x"},"z":1,"\uffff":"bmp-last","😀":"astral"}';
