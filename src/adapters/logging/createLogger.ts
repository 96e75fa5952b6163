import { pino, type Logger, type LevelWithSilent } from 'pino';
import { PinoPretty } from 'pino-pretty';

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
  /**
   * `json`: a JSON line per entry, for a collector. `pretty`: coloured lines a person reads
   * (pino-pretty, in process). `auto` (the default): pretty on a terminal, JSON otherwise.
   */
  format?: 'auto' | 'json' | 'pretty';
}>;

/** The service logger: JSON lines (or pretty ones on a terminal), secrets redacted either way. */
export const createLogger = ({
  level,
  destination,
  instance,
  format = 'auto',
}: LoggerOptions): Logger => {
  const out = destination ?? process.stdout;
  const pretty =
    format === 'pretty' || (format === 'auto' && destination === undefined && process.stdout.isTTY);
  return pino(
    {
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'payrec', ...(instance === undefined ? {} : { instance }) },
    },
    pretty
      ? PinoPretty({
          destination: out,
          colorize: out === process.stdout && process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          sync: true,
        })
      : out,
  );
};
