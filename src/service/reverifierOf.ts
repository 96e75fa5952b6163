import type { VerifierContext } from '../adapters/providers/index.js';
import type { DeliveryReverifier } from '../application/index.js';
import type { Config } from '../config.js';

/**
 * Verifies stored deliveries again with each configured provider's verifier (for replay); a
 * provider whose secret is not configured answers `null`.
 */
export const reverifierOf = (config: Config, context: VerifierContext = {}): DeliveryReverifier => {
  const verifiers = new Map(
    config.providers.map((provider) => [provider.name, provider.verifier(context)]),
  );
  return (provider, request) => {
    const verify = verifiers.get(provider) ?? null;
    return verify === null ? null : verify(request);
  };
};
