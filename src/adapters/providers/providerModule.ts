import type { FetchImplementation } from 'jose';
import type { z } from 'zod';
import type { VerifiedDelivery } from '../../application/index.js';
import type { JsonObject, StatusClient } from '../../domain/ports/index.js';
import type { ProviderName, StatusVocabulary } from '../../domain/index.js';
import type { StatusHttp } from './common/statusHttp.js';
import type { WebhookRequest } from './common/webhookRequest.js';

/** Verifies one delivery's exact bytes. Throws (or rejects with) `WebhookRejected`. */
export type WebhookVerifier = (
  request: WebhookRequest,
) => VerifiedDelivery | Promise<VerifiedDelivery>;

/** What the service lends a provider's verifier: for tests, how outbound HTTP is made. */
export type VerifierContext = Readonly<{ fetch?: FetchImplementation }>;

/**
 * The HTTP side of a status API, shared by every provider: rate limit, concurrency cap, timeout
 * and retries come from the service's configuration; the provider gives its base URL and rate.
 */
export type StatusHttpFactory = (
  endpoint: Readonly<{ baseUrl: string; ratePerSecond: number }>,
) => StatusHttp;

/** Where a provider command writes, so that it can be tested without a terminal. */
export type CommandOutput = Readonly<{ out: (text: string) => void; err: (text: string) => void }>;

/** A provider's own command line (`payrec kraken-embed register-webhook …`). */
export type ProviderCommand<Settings> = Readonly<{
  name: string;
  /** One line for `payrec --help`. */
  summary: string;
  usage: string;
  /** Runs the command; resolves with the process exit code (2 for a usage error). */
  run: (
    args: readonly string[],
    settings: Settings,
    io: CommandOutput & Readonly<{ fetch: typeof fetch }>,
  ) => Promise<number>;
}>;

/**
 * Everything payrec knows about one provider, written once in its own folder: its configuration
 * fragment, how its webhooks are received and verified, its status vocabularies, its status
 * API, and its commands. `Settings` is what its fragment of the environment parses into.
 */
export type ProviderSpec<Settings> = Readonly<{
  name: ProviderName;
  /** How people write it (`Kraken Embed`). */
  displayName: string;
  /** Its variables, parsed with the rest of the configuration (every bad one reported at once). */
  settings: z.ZodType<Settings>;
  webhook: Readonly<{
    /** The media types `POST /webhooks/{name}` accepts; anything else is a 415. */
    mediaTypes: readonly string[];
    /** The body of a `200` (the provider's documented acknowledgement). */
    acknowledgement: JsonObject;
    /**
     * Whether its verifier can record a delivery as a hint (unsigned, or authenticated by a
     * replayable secret), which its status endpoint must confirm: only these providers' streams
     * are watched for hints, so a provider that signs every delivery costs the watch nothing.
     */
    sendsHints: boolean;
    /** For the OpenAPI document: how a delivery is authenticated, and what its body holds. */
    documentation: WebhookDocumentation;
    /** The verifier, or `null` when its secret is not configured: the route then answers 404. */
    verifier: (settings: Settings, context: VerifierContext) => WebhookVerifier | null;
  }>;
  /** Its vocabularies, by name, for the evidence and for docs. */
  statusVocabularies: Readonly<Record<string, StatusVocabulary>>;
  /**
   * Its status endpoint, the source of truth, or `null` when it has none (Kraken Pay): then its
   * payments move only on webhooks, and are looked at once, at their deadline.
   */
  statusApi: Readonly<{
    /** The client, or `null` when its API credentials are not configured. */
    client: (settings: Settings, http: StatusHttpFactory) => StatusClient | null;
  }> | null;
  commands?: readonly ProviderCommand<Settings>[];
  /** What is switched on, for the start-up log: never a secret. */
  describe: (settings: Settings) => string;
}>;

/** How a provider's deliveries are documented (they are verified on their bytes, not validated). */
export type WebhookDocumentation = Readonly<{
  /** How a delivery proves it comes from the provider, in a sentence or two. */
  authentication: string;
  /** The body's shape once verified. */
  body: z.ZodType;
}>;

/** A provider bound to its parsed settings: what the service and the commands use. */
export type ConfiguredProvider = Readonly<{
  name: ProviderName;
  displayName: string;
  mediaTypes: readonly string[];
  acknowledgement: JsonObject;
  documentation: WebhookDocumentation;
  hasStatusEndpoint: boolean;
  /** Whether its deliveries can be hints (see `ProviderSpec`'s `webhook.sendsHints`). */
  sendsHints: boolean;
  statusVocabularies: Readonly<Record<string, StatusVocabulary>>;
  verifier: (context: VerifierContext) => WebhookVerifier | null;
  statusClient: (http: StatusHttpFactory) => StatusClient | null;
  commands: readonly Readonly<{
    name: string;
    run: (
      args: readonly string[],
      io: CommandOutput & Readonly<{ fetch: typeof fetch }>,
    ) => Promise<number>;
  }>[];
  describe: () => string;
}>;

/** The outcome of parsing a provider's fragment of the environment. */
export type ProviderConfiguration =
  Readonly<{ ok: true; provider: ConfiguredProvider }> | Readonly<{ ok: false; error: z.ZodError }>;

/**
 * A provider as the list in `index.ts` holds it: its name, what `--help` shows, and how to bind it
 * to the environment. One value per provider; adding a provider is one folder that exports one
 * of these and one line in that list.
 */
export type ProviderModule = Readonly<{
  name: ProviderName;
  displayName: string;
  hasStatusEndpoint: boolean;
  commands: readonly Readonly<{ name: string; summary: string; usage: string }>[];
  configure: (env: Readonly<Record<string, string | undefined>>) => ProviderConfiguration;
}>;

/**
 * Makes a provider module from its spec. The spec's `Settings` type stays inside: the list of
 * modules is uniform, and each module's settings reach only its own functions.
 *
 * @example
 * export const krakenEmbedProvider = defineProvider({ name: 'kraken-embed', … });
 */
export const defineProvider = <Settings>(spec: ProviderSpec<Settings>): ProviderModule => {
  const commands = spec.commands ?? [];
  return {
    name: spec.name,
    displayName: spec.displayName,
    hasStatusEndpoint: spec.statusApi !== null,
    commands: commands.map(({ name, summary, usage }) => ({ name, summary, usage })),
    configure: (env) => {
      const parsed = spec.settings.safeParse(env);
      if (!parsed.success) return { ok: false, error: parsed.error };
      const settings = parsed.data;
      const { statusApi } = spec;
      return {
        ok: true,
        provider: {
          name: spec.name,
          displayName: spec.displayName,
          mediaTypes: spec.webhook.mediaTypes,
          acknowledgement: spec.webhook.acknowledgement,
          documentation: spec.webhook.documentation,
          hasStatusEndpoint: statusApi !== null,
          sendsHints: spec.webhook.sendsHints,
          statusVocabularies: spec.statusVocabularies,
          verifier: (context) => spec.webhook.verifier(settings, context),
          statusClient: (http) => (statusApi === null ? null : statusApi.client(settings, http)),
          commands: commands.map((command) => ({
            name: command.name,
            run: (args, io) => command.run(args, settings, io),
          })),
          describe: () => spec.describe(settings),
        },
      };
    },
  };
};
