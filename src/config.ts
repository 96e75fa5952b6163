import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import {
  ConfigInvalid,
  defaultFulfilmentRetryPolicy,
  type FulfilmentRetryPolicy,
} from './domain/index.js';
import { Secret } from './secret.js';
import { failpointNames, type FailpointName } from './failpoints.js';

/** A variable set to the empty string counts as unset (t3-env's `emptyStringAsUndefined`). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : value), schema);

const secret = (minLength = 1) =>
  z
    .string()
    .min(minLength, `must be at least ${minLength} characters`)
    .transform((value) => new Secret(value));

const base64Secret = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 (as the provider returned it)')
  .refine((value) => Buffer.from(value, 'base64').length >= 16, 'must decode to at least 16 bytes')
  .transform((value) => new Secret(value));

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const port = z.coerce.number().int().min(0).max(65_535);

/** Calls per second to a provider's status API. */
const rate = z.coerce.number().int().min(1).max(10_000);

/**
 * The environment payrec reads (INTERFACE.md, "Configuration"), with its defaults. Every other
 * module receives the parsed `Config`; only `loadConfig` reads the environment.
 */
export const configSchema = z
  .object({
    PORT: withDefault(port, '8080'),
    HOST: withDefault(z.string().min(1), '0.0.0.0'),
    PAYREC_DATA_DIR: withDefault(z.string().min(1), './data'),
    PAYREC_LOG_LEVEL: withDefault(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      'info',
    ),
    PAYREC_SQLITE_WRITER: withDefault(z.enum(['inline', 'thread']), 'inline'),
    EVENTSTORE_CONNECTION_STRING: optional(
      z
        .string()
        .regex(
          /^esdb(\+discover)?:\/\/\S+$/,
          'must be an esdb:// or esdb+discover:// connection string',
        )
        .transform((value) => new Secret(value)),
    ),
    PAYREC_API_TOKEN: optional(secret(16)),
    PAYREC_RECONCILE_CRON: withDefault(
      z
        .string()
        .refine(
          (value) => isValidCron(value),
          'must be a valid node-cron schedule, e.g. "* * * * *"',
        ),
      '* * * * *',
    ),
    PAYREC_FULFILMENT_URL: optional(httpUrl),
    PAYREC_FULFILMENT_SECRET: optional(
      z
        .string()
        .regex(
          /^whsec_[A-Za-z0-9+/]+={0,2}$/,
          'must be a Standard Webhooks secret: whsec_ followed by base64',
        )
        .transform((value) => new Secret(value)),
    ),
    PAYREC_FULFILMENT_MAX_ATTEMPTS: withDefault(
      z.coerce.number().int().min(1).max(100),
      String(defaultFulfilmentRetryPolicy.maxAttempts),
    ),
    PAYREC_FULFILMENT_RETRY_BASE_SECONDS: withDefault(
      z.coerce.number().min(0.01).max(3600),
      String(defaultFulfilmentRetryPolicy.baseDelaySeconds),
    ),
    PAYREC_FULFILMENT_TIMEOUT_MS: withDefault(
      z.coerce.number().int().min(100).max(120_000),
      '10000',
    ),
    PAYREC_REJECTIONS_PER_MINUTE: withDefault(z.coerce.number().int().min(1).max(1_000_000), '60'),
    PAYREC_FAILPOINTS: withDefault(
      z
        .string()
        .transform((value) => value.split(',').filter((name) => name !== ''))
        .pipe(z.array(z.enum(failpointNames))),
      '',
    ),
    KRAKEN_PAY_JWKS_URL: withDefault(
      httpUrl,
      'https://www.kraken.com/.well-known/pay-callback-keys.json',
    ),
    KRAKEN_EMBED_WEBHOOK_SECRET: optional(base64Secret),
    KRAKEN_EMBED_PREVIOUS_WEBHOOK_SECRET: optional(base64Secret),
    KRAKEN_EMBED_WEBHOOK_TOLERANCE_SECONDS: withDefault(
      z.coerce.number().int().min(1).max(3600),
      '300',
    ),
    KRAKEN_EMBED_API_KEY: optional(secret()),
    KRAKEN_EMBED_API_SECRET: optional(base64Secret),
    KRAKEN_EMBED_API_URL: withDefault(httpUrl, 'https://nexus.kraken.com'),
    KRYPTOGO_CALLBACK_SECRET: optional(secret(16)),
    KRYPTOGO_API_KEY: optional(secret()),
    KRYPTOGO_API_URL: withDefault(httpUrl, 'https://wallet.kryptogo.app'),
    KRYPTOGO_CLIENT_ID: optional(z.string().min(1).max(256)),
    KRYPTOGO_ORIGIN: optional(httpUrl),
    KRAKEN_EMBED_API_RATE_LIMIT: withDefault(rate, '10'),
    KRYPTOGO_API_RATE_LIMIT: withDefault(rate, '10'),
    KKIAPAY_API_RATE_LIMIT: withDefault(rate, '10'),
    PAYREC_STATUS_CONCURRENCY: withDefault(z.coerce.number().int().min(1).max(256), '8'),
    PAYREC_STATUS_TIMEOUT_MS: withDefault(z.coerce.number().int().min(100).max(120_000), '10000'),
    PAYREC_RECONCILE_BATCH: withDefault(z.coerce.number().int().min(1).max(1_000_000), '10000'),
    KKIAPAY_WEBHOOK_SECRET: optional(secret(16)),
    KKIAPAY_PUBLIC_KEY: optional(secret()),
    KKIAPAY_PRIVATE_KEY: optional(secret()),
    KKIAPAY_SECRET_KEY: optional(secret()),
    KKIAPAY_API_URL: withDefault(httpUrl, 'https://api.kkiapay.me'),
  })
  .superRefine((env, context) => {
    if (
      (env.PAYREC_FULFILMENT_URL === undefined) !==
      (env.PAYREC_FULFILMENT_SECRET === undefined)
    ) {
      context.addIssue({
        code: 'custom',
        path: [
          env.PAYREC_FULFILMENT_URL === undefined
            ? 'PAYREC_FULFILMENT_URL'
            : 'PAYREC_FULFILMENT_SECRET',
        ],
        message:
          'PAYREC_FULFILMENT_URL and PAYREC_FULFILMENT_SECRET go together: set both or neither',
      });
    }
  });

export type FulfilmentConfig = Readonly<{
  url: string;
  secret: Secret;
  retry: FulfilmentRetryPolicy;
  timeoutMs: number;
}>;

export type EventStoreConfig =
  | Readonly<{ kind: 'sqlite'; path: string; writer: 'inline' | 'thread' }>
  | Readonly<{ kind: 'eventstoredb'; connectionString: Secret }>;

/** payrec's configuration, parsed once at start-up. */
export type Config = Readonly<{
  http: Readonly<{ port: number; host: string }>;
  dataDir: string;
  logLevel: z.infer<typeof configSchema>['PAYREC_LOG_LEVEL'];
  eventStore: EventStoreConfig;
  apiToken: Secret | null;
  reconcileCron: string;
  reconciliation: Readonly<{
    /** Status calls in flight per provider at most. */
    concurrency: number;
    timeoutMs: number;
    /** Payments checked per cycle at most; the rest stay due for the next. */
    batch: number;
  }>;
  fulfilment: FulfilmentConfig | null;
  /** Rejected deliveries one address may send to one webhook route per minute. */
  rejectionsPerMinute: number;
  /** Test-only crash points (`PAYREC_FAILPOINTS`); empty in production. */
  failpoints: readonly FailpointName[];
  providers: Readonly<{
    krakenPay: Readonly<{ jwksUrl: string }>;
    krakenEmbed: Readonly<{
      webhookSecret: Secret | null;
      /** The secret before the last rotation, accepted too until it is unset. */
      previousWebhookSecret: Secret | null;
      webhookToleranceSeconds: number;
      apiKey: Secret | null;
      apiSecret: Secret | null;
      apiUrl: string;
      /** Status API calls per second. */
      apiRateLimit: number;
    }>;
    kryptogo: Readonly<{
      callbackSecret: Secret | null;
      apiKey: Secret | null;
      apiUrl: string;
      clientId: string | null;
      origin: string | null;
      apiRateLimit: number;
    }>;
    kkiapay: Readonly<{
      webhookSecret: Secret | null;
      publicKey: Secret | null;
      privateKey: Secret | null;
      secretKey: Secret | null;
      apiUrl: string;
      apiRateLimit: number;
    }>;
  }>;
}>;

const joinPath = (directory: string, file: string) => `${directory.replace(/\/+$/, '')}/${file}`;

/**
 * Parses the environment into a `Config`. Throws `ConfigInvalid` listing every bad variable at
 * once by name and reason; values never appear in the message (zod leaves inputs out of its
 * issues unless asked to include them, and payrec never asks).
 *
 * @example
 * const config = loadConfig(); // process.env
 * const config = loadConfig({ PORT: '9090' });
 */
export const loadConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config => {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigInvalid(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const fulfilment =
    e.PAYREC_FULFILMENT_URL !== undefined && e.PAYREC_FULFILMENT_SECRET !== undefined
      ? {
          url: e.PAYREC_FULFILMENT_URL,
          secret: e.PAYREC_FULFILMENT_SECRET,
          retry: {
            maxAttempts: e.PAYREC_FULFILMENT_MAX_ATTEMPTS,
            baseDelaySeconds: e.PAYREC_FULFILMENT_RETRY_BASE_SECONDS,
            maxDelaySeconds: defaultFulfilmentRetryPolicy.maxDelaySeconds,
          },
          timeoutMs: e.PAYREC_FULFILMENT_TIMEOUT_MS,
        }
      : null;
  return {
    http: { port: e.PORT, host: e.HOST },
    dataDir: e.PAYREC_DATA_DIR,
    logLevel: e.PAYREC_LOG_LEVEL,
    eventStore:
      e.EVENTSTORE_CONNECTION_STRING === undefined
        ? {
            kind: 'sqlite',
            path: joinPath(e.PAYREC_DATA_DIR, 'events.db'),
            writer: e.PAYREC_SQLITE_WRITER,
          }
        : { kind: 'eventstoredb', connectionString: e.EVENTSTORE_CONNECTION_STRING },
    apiToken: e.PAYREC_API_TOKEN ?? null,
    reconcileCron: e.PAYREC_RECONCILE_CRON,
    reconciliation: {
      concurrency: e.PAYREC_STATUS_CONCURRENCY,
      timeoutMs: e.PAYREC_STATUS_TIMEOUT_MS,
      batch: e.PAYREC_RECONCILE_BATCH,
    },
    fulfilment,
    failpoints: e.PAYREC_FAILPOINTS,
    rejectionsPerMinute: e.PAYREC_REJECTIONS_PER_MINUTE,
    providers: {
      krakenPay: { jwksUrl: e.KRAKEN_PAY_JWKS_URL },
      krakenEmbed: {
        webhookSecret: e.KRAKEN_EMBED_WEBHOOK_SECRET ?? null,
        previousWebhookSecret: e.KRAKEN_EMBED_PREVIOUS_WEBHOOK_SECRET ?? null,
        webhookToleranceSeconds: e.KRAKEN_EMBED_WEBHOOK_TOLERANCE_SECONDS,
        apiKey: e.KRAKEN_EMBED_API_KEY ?? null,
        apiSecret: e.KRAKEN_EMBED_API_SECRET ?? null,
        apiUrl: e.KRAKEN_EMBED_API_URL,
        apiRateLimit: e.KRAKEN_EMBED_API_RATE_LIMIT,
      },
      kryptogo: {
        callbackSecret: e.KRYPTOGO_CALLBACK_SECRET ?? null,
        apiKey: e.KRYPTOGO_API_KEY ?? null,
        apiUrl: e.KRYPTOGO_API_URL,
        clientId: e.KRYPTOGO_CLIENT_ID ?? null,
        origin: e.KRYPTOGO_ORIGIN ?? null,
        apiRateLimit: e.KRYPTOGO_API_RATE_LIMIT,
      },
      kkiapay: {
        webhookSecret: e.KKIAPAY_WEBHOOK_SECRET ?? null,
        publicKey: e.KKIAPAY_PUBLIC_KEY ?? null,
        privateKey: e.KKIAPAY_PRIVATE_KEY ?? null,
        secretKey: e.KKIAPAY_SECRET_KEY ?? null,
        apiUrl: e.KKIAPAY_API_URL,
        apiRateLimit: e.KKIAPAY_API_RATE_LIMIT,
      },
    },
  };
};
