import { kkiapayProvider } from './kkiapay/kkiapayProvider.js';
import { krakenEmbedProvider } from './krakenEmbed/krakenEmbedProvider.js';
import { krakenPayProvider } from './krakenPay/krakenPayProvider.js';
import { kryptogoProvider } from './kryptogo/kryptogoProvider.js';
import type { ProviderModule } from './providerModule.js';

/**
 * The providers payrec receives and reconciles. Each is one folder beside this file that exports
 * one `ProviderModule`; the webhook routes, the status clients, the configuration and the
 * command line loop over this list. Adding a provider is one folder and one line here.
 */
export const providerModules: readonly ProviderModule[] = [
  krakenPayProvider,
  krakenEmbedProvider,
  kryptogoProvider,
  kkiapayProvider,
];

export { defineProvider } from './providerModule.js';
export type {
  ProviderModule,
  ProviderSpec,
  ProviderCommand,
  ProviderConfiguration,
  ConfiguredProvider,
  WebhookDocumentation,
  WebhookVerifier,
  VerifierContext,
  StatusHttpFactory,
  CommandOutput,
} from './providerModule.js';
export { createStatusHttp } from './common/statusHttp.js';
export type {
  SharedSlots,
  StatusHttp,
  StatusHttpOptions,
  StatusHttpRequest,
} from './common/statusHttp.js';
export type { WebhookRequest } from './common/webhookRequest.js';
export { headerValue } from './common/webhookRequest.js';
export { signaturesEqual, constantTimeEqual } from './common/constantTimeEqual.js';
export { parseJsonBody } from './common/parseJsonBody.js';
export { jsonOf, unreadable } from './common/statusAnswers.js';
export { krakenPayProvider, krakenEmbedProvider, kryptogoProvider, kkiapayProvider };
export { createKrakenPayVerifier } from './krakenPay/krakenPayVerifier.js';
export { createKrakenPayKeys } from './krakenPay/krakenPayKeys.js';
export { krakenPayStatuses } from './krakenPay/krakenPayStatuses.js';
export {
  createKrakenEmbedVerifier,
  krakenEmbedSignature,
} from './krakenEmbed/krakenEmbedVerifier.js';
export { krakenEmbedStatuses } from './krakenEmbed/krakenEmbedStatuses.js';
export { krakenApiSign } from './krakenEmbed/krakenApiSign.js';
export { createKryptogoVerifier, kryptogoSignature } from './kryptogo/kryptogoVerifier.js';
export { kryptogoCanonicalJson } from './kryptogo/kryptogoCanonicalJson.js';
export { kryptogoStatuses } from './kryptogo/kryptogoStatuses.js';
export { createKkiapayVerifier } from './kkiapay/kkiapayVerifier.js';
export { kkiapayStatuses } from './kkiapay/kkiapayStatuses.js';
