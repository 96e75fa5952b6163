import type { VerifierContext } from '../adapters/providers/index.js';
import type { WebhookReceiver } from '../adapters/http/index.js';
import type { Config } from '../config.js';

/** One receiver per configured provider module: `POST /webhooks/{name}`, 404 when not configured. */
export const webhookReceivers = (
  config: Config,
  context: VerifierContext,
): readonly WebhookReceiver[] =>
  config.providers.map((provider) => ({
    provider: provider.name,
    mediaTypes: provider.mediaTypes,
    acknowledgement: provider.acknowledgement,
    verify: provider.verifier(context),
  }));
