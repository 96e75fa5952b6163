export { createKrakenPayVerifier } from './krakenPay/krakenPayVerifier.js';
export type { KrakenPayVerifier, KrakenPayVerifierOptions } from './krakenPay/krakenPayVerifier.js';
export { createKrakenPayKeys } from './krakenPay/krakenPayKeys.js';
export type { KrakenPayKeysOptions } from './krakenPay/krakenPayKeys.js';
export {
  createKrakenEmbedVerifier,
  krakenEmbedSignature,
} from './krakenEmbed/krakenEmbedVerifier.js';
export type {
  KrakenEmbedVerifier,
  KrakenEmbedVerifierOptions,
} from './krakenEmbed/krakenEmbedVerifier.js';
export { createKryptogoVerifier, kryptogoSignature } from './kryptogo/kryptogoVerifier.js';
export type { KryptogoVerifier, KryptogoVerifierOptions } from './kryptogo/kryptogoVerifier.js';
export { kryptogoCanonicalJson } from './kryptogo/kryptogoCanonicalJson.js';
export { createKkiapayVerifier } from './kkiapay/kkiapayVerifier.js';
export type { KkiapayVerifier, KkiapayVerifierOptions } from './kkiapay/kkiapayVerifier.js';
export type { WebhookRequest } from './shared/webhookRequest.js';
export { createVerifiers } from './createVerifiers.js';
export { krakenApiSign } from './krakenEmbed/krakenApiSign.js';
