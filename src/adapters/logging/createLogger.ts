import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * Header and field paths that can carry a secret or a signature. pino replaces them with
 * `[redacted]` before anything is written.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-signature"]',
  'req.headers["x-kkiapay-secret"]',
  'req.headers["api-sign"]',
  'req.headers["api-key"]',
  'req.headers["x-studio-api-key"]',
  'req.headers["x-api-key"]',
  'req.headers["x-private-key"]',
  'req.headers["x-secret-key"]',
  'req.headers["webhook-signature"]',
  'req.headers.cookie',
  '*.signature',
  '*.secret',
  '*.token',
];

export type LoggerOptions = Readonly<{
  level: LevelWithSilent;
  /** Where lines go; standard output by default. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
  /** The process among those sharing a store (`PAYREC_INSTANCE_ID`), on every line. */
  instance?: string;
}>;

/** The service logger: JSON lines, secrets redacted. */
export const createLogger = ({ level, destination, instance }: LoggerOptions): Logger =>
  pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'payrec', ...(instance === undefined ? {} : { instance }) },
    },
    destination ?? process.stdout,
  );
