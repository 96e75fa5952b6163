import { hostname } from 'node:os';
import { validate as isValidCron } from 'node-cron';
import type { ApiToken } from './apiTokens.js';
import { configuredTokens } from './configuredTokens.js';
import { z } from 'zod';
import {
  providerModules,
  type ConfiguredProvider,
  type ProviderModule,
} from './adapters/providers/index.js';
import { defaultFulfilmentRetryPolicy, type FulfilmentRetryPolicy } from './domain/index.js';
import { ConfigInvalid } from './errors/index.js';
import {
  httpUrl,
  optional,
  port,
  secret,
  timeZone,
  trustProxy,
  withDefault,
  type TrustProxy,
} from './envSchemas.js';
import { Secret } from './secret.js';
import { failpointNames, plantNames, type FailpointName, type PlantName } from './failpoints.js';

/**
 * The environment payrec reads (docs/configuration.md), with its defaults. Every other
 * module receives the parsed `Config`; only `loadConfig` reads the environment.
 */
export const configSchema = z
  .object({
    PORT: withDefault(port, '8080'),
    HOST: withDefault(z.string().min(1), '0.0.0.0'),
    PAYREC_TRUST_PROXY: optional(trustProxy),
    PAYREC_REQUEST_TIMEOUT_MS: withDefault(
      z.coerce.number().int().min(1_000).max(600_000),
      '60000',
    ),
    PAYREC_HEADERS_TIMEOUT_MS: withDefault(
      z.coerce.number().int().min(1_000).max(600_000),
      '20000',
    ),
    PAYREC_KEEP_ALIVE_TIMEOUT_MS: withDefault(
      z.coerce.number().int().min(1_000).max(600_000),
      '5000',
    ),
    PAYREC_DATA_DIR: withDefault(z.string().min(1), './data'),
    PAYREC_REPORT_TIMEZONE: withDefault(timeZone, 'UTC'),
    PAYREC_LOG_LEVEL: withDefault(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      'info',
    ),
    PAYREC_LOG_FORMAT: withDefault(z.enum(['auto', 'json', 'pretty']), 'auto'),
    PAYREC_SQLITE_WRITER: withDefault(z.enum(['inline', 'thread']), 'inline'),
    // OpenTelemetry's own variables: payrec reads only whether they ask for traces; the SDK reads
    // the rest itself (docs/operations.md, "Traces").
    OTEL_SDK_DISABLED: optional(z.string()),
    OTEL_TRACES_EXPORTER: optional(z.string()),
    OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.string()),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(z.string()),
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
    PAYREC_API_TOKENS_FILE: optional(z.string().min(1)),
    PAYREC_CONSOLE_SECRET: optional(secret(32)),
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
        .pipe(z.array(z.enum([...failpointNames, ...plantNames]))),
      '',
    ),
    PAYREC_STATUS_CONCURRENCY: withDefault(z.coerce.number().int().min(1).max(256), '8'),
    PAYREC_STATUS_TIMEOUT_MS: withDefault(z.coerce.number().int().min(100).max(120_000), '10000'),
    PAYREC_RECONCILE_BATCH: withDefault(z.coerce.number().int().min(1).max(1_000_000), '10000'),
    PAYREC_INSTANCE_ID: optional(
      z.string().regex(/^[\w.:@-]{1,128}$/, 'must be 1 to 128 letters, digits or . : @ _ -'),
    ),
    PAYREC_LEASE_TTL: withDefault(z.coerce.number().int().min(2).max(600), '15'),
    PAYREC_BACKUP_DIR: optional(z.string().min(1)),
    PAYREC_BACKUP_CRON: withDefault(
      z
        .string()
        .refine(
          (value) => isValidCron(value),
          'must be a valid node-cron schedule, e.g. "0 3 * * *"',
        ),
      '0 3 * * *',
    ),
    PAYREC_BACKUP_KEEP: withDefault(z.coerce.number().int().min(1).max(10_000), '7'),
    PAYREC_BACKUP_RATE_MB: withDefault(z.coerce.number().min(0).max(100_000), '60'),
    PAYREC_DELIVERY_LOG_RETENTION_DAYS: withDefault(
      z.coerce.number().int().min(1).max(36_500),
      '90',
    ),
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

/** The listener: its address, whom it trusts to name the client, and how long clients may take. */
export type HttpConfig = Readonly<{
  port: number;
  host: string;
  /** Fastify's trust-proxy value: `false` (the default) trusts no proxy's X-Forwarded-For. */
  trustProxy: TrustProxy;
  /** A client must have sent its whole request within this, whatever it dribbles. */
  requestTimeoutMs: number;
  /** …and its headers within this. */
  headersTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}>;

/**
 * Where payrec keeps its files on the embedded store: the three SQLite databases, named here
 * and nowhere else.
 */
export type StoragePaths = Readonly<{
  dataDir: string;
  /** The event log (the embedded event store). */
  events: string;
  /** The service database: the delivery log and the leases, written by the service itself. */
  service: string;
  /** The read models and their checkpoints, written by the projections. */
  readModels: string;
}>;

/** Where scheduled backups go, when, and how many are kept. */
export type BackupScheduleConfig = Readonly<{ dir: string; cron: string; keep: number }>;

/** Whether the processes on one store share its data directory; see `Config['topology']`. */
export type Topology = 'shared-data-dir' | 'own-data-dir';

/** payrec's configuration, parsed once at start-up. */
export type Config = Readonly<{
  http: HttpConfig;
  storage: StoragePaths;
  logLevel: z.infer<typeof configSchema>['PAYREC_LOG_LEVEL'];
  /** `PAYREC_LOG_FORMAT`: pretty lines on a terminal and JSON otherwise (`auto`), or either always. */
  logFormat: z.infer<typeof configSchema>['PAYREC_LOG_FORMAT'];
  eventStore: EventStoreConfig;
  /**
   * The named API tokens, from `PAYREC_API_TOKENS_FILE` and `PAYREC_API_TOKEN` (an `operate`
   * token named `default`); none: the API answers loopback clients only.
   */
  apiTokens: readonly ApiToken[];
  /**
   * Signs the console's session and CSRF cookies; `null`: a random key per process (sessions
   * end when payrec restarts, and each instance behind a balancer signs its own).
   */
  consoleSecret: Secret | null;
  /** The IANA time zone whose days the settlement report counts in. */
  reportTimezone: string;
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
  /** This process among those sharing the store (`PAYREC_INSTANCE_ID`; host and pid by default). */
  instanceId: string;
  /** How long a role outlives a silent holder (`PAYREC_LEASE_TTL`, seconds; 15 by default). */
  leaseTtlMs: number;
  /**
   * What the processes on one store share. On the embedded store they share the data directory
   * (`shared-data-dir`): one projects the read models and repairs the delivery log for all. On
   * EventStoreDB each keeps a data directory of its own (`own-data-dir`): each projects its read
   * models and keeps its delivery log, which the others' deliveries reach through the event store.
   */
  topology: Topology;
  /**
   * Scheduled backups inside `payrec serve` (`PAYREC_BACKUP_DIR`, `PAYREC_BACKUP_CRON`,
   * `PAYREC_BACKUP_KEEP`), or `null` when `PAYREC_BACKUP_DIR` is unset.
   */
  backups: BackupScheduleConfig | null;
  /**
   * How fast a backup reads, in bytes per second (`PAYREC_BACKUP_RATE_MB`, megabytes; 0: as fast
   * as the disk goes, `null` here), so that it leaves the disk to the service's commits.
   */
  backupBytesPerSecond: number | null;
  /** Rejected deliveries older than this leave the delivery log (`PAYREC_DELIVERY_LOG_RETENTION_DAYS`). */
  deliveryLogRetentionDays: number;
  /**
   * Whether payrec exports traces (OpenTelemetry): on when `OTEL_TRACES_EXPORTER` names an
   * exporter other than `none`, or an OTLP endpoint is set, unless `OTEL_SDK_DISABLED=true`.
   */
  tracing: boolean;
  /** Test-only crash points (`PAYREC_FAILPOINTS`); empty in production. */
  failpoints: readonly (FailpointName | PlantName)[];
  /** Every provider module, bound to its fragment of the environment, in the list's order. */
  providers: readonly ConfiguredProvider[];
}>;

const joinPath = (directory: string, file: string) => `${directory.replace(/\/+$/, '')}/${file}`;

/** Whether the standard OpenTelemetry variables ask for traces. */
const tracingAsked = (e: z.infer<typeof configSchema>): boolean => {
  if (e.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (e.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (exporters.length > 0) return !exporters.includes('none');
  return (
    e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ||
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined
  );
};

/** Where and how payrec notifies the merchant's backend; `null` when fulfilment is off. */
const fulfilmentOf = (e: z.infer<typeof configSchema>): FulfilmentConfig | null =>
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

/**
 * Parses the environment into a `Config`: payrec's own variables and each provider module's
 * fragment. Throws `ConfigInvalid` listing every bad variable at once by name and reason; values
 * never appear in the message (zod leaves inputs out of its issues unless asked to include them,
 * and payrec never asks).
 *
 * @example
 * const config = loadConfig(); // process.env, the built-in providers
 * const config = loadConfig({ PORT: '9090' });
 * const config = loadConfig(env, [...providerModules, acmePayProvider]); // a fifth provider
 */
export const loadConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  modules: readonly ProviderModule[] = providerModules,
): Config => {
  const parsed = configSchema.safeParse(env);
  const providers: ConfiguredProvider[] = [];
  const failures: string[] = parsed.success ? [] : [z.prettifyError(parsed.error)];
  for (const module of modules) {
    const configured = module.configure(env);
    if (configured.ok) providers.push(configured.provider);
    else failures.push(z.prettifyError(configured.error));
  }
  const names = modules.map((module) => module.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) failures.push(`✖ two provider modules are named "${repeated}"`);
  if (!parsed.success || failures.length > 0) {
    throw new ConfigInvalid(`Invalid configuration:\n${failures.join('\n')}`);
  }
  const e = parsed.data;
  const apiTokens = configuredTokens(e.PAYREC_API_TOKENS_FILE, e.PAYREC_API_TOKEN);
  if (apiTokens.length === 0 && e.PAYREC_TRUST_PROXY !== undefined) {
    // Without a token payrec serves loopback clients only; behind a proxy the socket is always
    // the proxy's, so every client the proxy forwards would pass for loopback.
    throw new ConfigInvalid(
      'Invalid configuration:\n✖ PAYREC_TRUST_PROXY: set only with PAYREC_API_TOKEN or PAYREC_API_TOKENS_FILE (without a token payrec answers loopback clients only, and a proxy forwards everyone)',
    );
  }
  const storage: StoragePaths = {
    dataDir: e.PAYREC_DATA_DIR,
    events: joinPath(e.PAYREC_DATA_DIR, 'events.db'),
    service: joinPath(e.PAYREC_DATA_DIR, 'payrec.db'),
    readModels: joinPath(e.PAYREC_DATA_DIR, 'readmodels.db'),
  };
  return {
    http: {
      port: e.PORT,
      host: e.HOST,
      trustProxy: e.PAYREC_TRUST_PROXY ?? false,
      requestTimeoutMs: e.PAYREC_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: Math.min(e.PAYREC_HEADERS_TIMEOUT_MS, e.PAYREC_REQUEST_TIMEOUT_MS),
      keepAliveTimeoutMs: e.PAYREC_KEEP_ALIVE_TIMEOUT_MS,
    },
    storage,
    logLevel: e.PAYREC_LOG_LEVEL,
    logFormat: e.PAYREC_LOG_FORMAT,
    eventStore:
      e.EVENTSTORE_CONNECTION_STRING === undefined
        ? { kind: 'sqlite', path: storage.events, writer: e.PAYREC_SQLITE_WRITER }
        : { kind: 'eventstoredb', connectionString: e.EVENTSTORE_CONNECTION_STRING },
    consoleSecret: e.PAYREC_CONSOLE_SECRET ?? null,
    apiTokens,
    reportTimezone: e.PAYREC_REPORT_TIMEZONE,
    reconcileCron: e.PAYREC_RECONCILE_CRON,
    reconciliation: {
      concurrency: e.PAYREC_STATUS_CONCURRENCY,
      timeoutMs: e.PAYREC_STATUS_TIMEOUT_MS,
      batch: e.PAYREC_RECONCILE_BATCH,
    },
    fulfilment: fulfilmentOf(e),
    tracing: tracingAsked(e),
    failpoints: e.PAYREC_FAILPOINTS,
    rejectionsPerMinute: e.PAYREC_REJECTIONS_PER_MINUTE,
    instanceId: e.PAYREC_INSTANCE_ID ?? `${hostname()}:${process.pid}`,
    leaseTtlMs: e.PAYREC_LEASE_TTL * 1000,
    topology: e.EVENTSTORE_CONNECTION_STRING === undefined ? 'shared-data-dir' : 'own-data-dir',
    backups:
      e.PAYREC_BACKUP_DIR === undefined
        ? null
        : { dir: e.PAYREC_BACKUP_DIR, cron: e.PAYREC_BACKUP_CRON, keep: e.PAYREC_BACKUP_KEEP },
    deliveryLogRetentionDays: e.PAYREC_DELIVERY_LOG_RETENTION_DAYS,
    backupBytesPerSecond:
      e.PAYREC_BACKUP_RATE_MB === 0 ? null : Math.round(e.PAYREC_BACKUP_RATE_MB * 1_000_000),
    providers,
  };
};
