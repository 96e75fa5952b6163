import { z } from 'zod';
import { Secret } from './secret.js';

/**
 * The shapes of environment variables, shared by the configuration and by each provider's
 * fragment of it (t3-env's conventions): an empty string is unset, secrets are wrapped in
 * `Secret` as they are parsed, and no schema ever reports the value it was given.
 */

/** A variable set to the empty string counts as unset (t3-env's `emptyStringAsUndefined`). */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : value), schema);

export const secret = (minLength = 1) =>
  z
    .string()
    .min(minLength, `must be at least ${minLength} characters`)
    .transform((value) => new Secret(value));

export const base64Secret = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 (as the provider returned it)')
  .refine((value) => Buffer.from(value, 'base64').length >= 16, 'must decode to at least 16 bytes')
  .transform((value) => new Secret(value));

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const port = z.coerce.number().int().min(0).max(65_535);

/** Calls per second to a provider's status API. */
export const rate = z.coerce.number().int().min(1).max(10_000);

/** Seconds of clock skew a signature's timestamp may have. */
export const toleranceSeconds = z.coerce.number().int().min(1).max(3600);

/**
 * Fastify's trust-proxy value, as an operator writes it: `true` or `false`, a number of hops, or
 * a comma-separated list of addresses and CIDR ranges of the proxies to trust.
 */
export type TrustProxy = boolean | number | string;

const address = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

export const trustProxy = z.string().transform((value, context): TrustProxy => {
  const text = value.trim();
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  if (
    entries.every(
      (entry) =>
        address.test(entry) ||
        entry === 'loopback' ||
        entry === 'linklocal' ||
        entry === 'uniquelocal',
    )
  ) {
    return entries.join(',');
  }
  context.addIssue({
    code: 'custom',
    message:
      'must be true, false, a number of proxy hops, or proxy addresses and CIDR ranges separated by commas',
  });
  return z.NEVER;
});

/** An IANA time zone name the runtime knows (`UTC`, `Europe/Paris`, `Asia/Taipei`). */
export const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone name, e.g. UTC, Europe/Paris or Asia/Taipei');
