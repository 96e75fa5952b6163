import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ProviderCommand } from '../providerModule.js';
import { createKrakenApiNonce } from './krakenApiNonce.js';
import { krakenApiSign } from './krakenApiSign.js';
import type { KrakenEmbedSettings } from './krakenEmbedProvider.js';

/** The events that carry a payment's status or evidence (docs/providers.md §2.1). */
export const defaultWebhookEvents = [
  'quote.executed',
  'quote.execution_failed',
  'quote.cancelled',
  'custom_order.executed',
  'custom_order.execution_failed',
  'custom_order.cancelled',
  'deposit.status_updated',
  'withdrawal.status_updated',
] as const;

const usage = `Usage: payrec kraken-embed register-webhook --url <https-url> [--events a,b,…]
  Registers payrec's webhook with Kraken Embed (POST /b2b/webhooks, signed with
  KRAKEN_EMBED_API_KEY and KRAKEN_EMBED_API_SECRET) and prints the webhook secret, which Kraken
  returns only once. Default events: ${defaultWebhookEvents.join(', ')}`;

const argumentsSchema = z.object({
  url: z
    .url({ protocol: /^https$/, error: 'must be an https URL' })
    .max(2048, 'must be at most 2048 characters'),
  events: z
    .array(
      z.string().regex(/^[a-zA-Z0-9._]+$/, 'event names are letters, digits, dots and underscores'),
    )
    .min(1)
    .max(50, 'at most 50 events'),
});

const registeredAnswer = z.looseObject({
  result: z.looseObject({
    webhook: z.looseObject({ id: z.string(), url: z.string() }),
    secret: z.string().min(1),
  }),
});

const errorsOf = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (Array.isArray(parsed.error)) {
      return parsed.error
        .map((entry) =>
          typeof entry === 'string'
            ? entry
            : typeof (entry as { errorMessage?: unknown }).errorMessage === 'string'
              ? (entry as { errorMessage: string }).errorMessage
              : JSON.stringify(entry),
        )
        .join('; ');
    }
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 200);
};

/**
 * `payrec kraken-embed register-webhook --url … [--events …]`: registers the webhook, signed as
 * every Embed API call is, and prints the secret once with how to configure payrec with it. The
 * secret goes to stdout only, never to a log; Kraken cannot show it again.
 */
const registerWebhook = async (
  args: readonly string[],
  krakenEmbed: KrakenEmbedSettings,
  io: Readonly<{ out: (text: string) => void; err: (text: string) => void; fetch: typeof fetch }>,
): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { url: { type: 'string' }, events: { type: 'string' } },
  });
  const parsed = argumentsSchema.safeParse({
    url: values.url,
    events: values.events === undefined ? [...defaultWebhookEvents] : values.events.split(','),
  });
  if (positionals.length > 0 || !parsed.success) {
    io.err(
      parsed.success
        ? `payrec: unexpected argument ${JSON.stringify(positionals[0])}\n`
        : `payrec: ${z.prettifyError(parsed.error)}\n`,
    );
    io.err(`${usage}\n`);
    return 2;
  }
  if (krakenEmbed.apiKey === null || krakenEmbed.apiSecret === null) {
    io.err(
      'payrec: set KRAKEN_EMBED_API_KEY and KRAKEN_EMBED_API_SECRET (the Embed API key pair) first.\n',
    );
    return 1;
  }
  const path = '/b2b/webhooks';
  const body = JSON.stringify({ url: parsed.data.url, enabled: true, events: parsed.data.events });
  const nonce = createKrakenApiNonce()();
  const response = await io.fetch(`${krakenEmbed.apiUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: {
      'API-Key': krakenEmbed.apiKey.reveal(),
      'API-Nonce': nonce,
      'API-Sign': krakenApiSign({ path, nonce, body, secret: krakenEmbed.apiSecret }),
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status === 409) {
    io.err(
      `payrec: Kraken Embed already has a webhook for ${parsed.data.url} (${errorsOf(text)}). Its secret cannot be shown again: delete that webhook in Kraken and register again, or keep using the secret you saved.\n`,
    );
    return 1;
  }
  if (!response.ok) {
    io.err(
      `payrec: Kraken Embed refused the registration: HTTP ${response.status}: ${errorsOf(text)}\n`,
    );
    return 1;
  }
  const answer = registeredAnswer.safeParse(JSON.parse(text) as unknown);
  if (!answer.success) {
    io.err(
      'payrec: Kraken Embed answered 2xx but not with {result:{webhook,secret}}; check the webhook in Kraken before registering again.\n',
    );
    return 1;
  }
  const { webhook, secret } = answer.data.result;
  io.out(
    `Registered Kraken Embed webhook ${webhook.id} → ${webhook.url}
events: ${parsed.data.events.join(', ')}

Its secret, which Kraken shows only this once:

  KRAKEN_EMBED_WEBHOOK_SECRET=${secret}

Put it in payrec's environment (a secret store, not a file in the repository) and restart
payrec. When you rotate it, keep the old one as KRAKEN_EMBED_PREVIOUS_WEBHOOK_SECRET until
Kraken signs with the new one.
`,
  );
  return 0;
};

/** The command as Kraken Embed's module lists it. */
export const registerWebhookCommand: ProviderCommand<KrakenEmbedSettings> = {
  name: 'register-webhook',
  summary: 'Register the Kraken Embed webhook; prints its secret once.',
  usage,
  run: registerWebhook,
};
