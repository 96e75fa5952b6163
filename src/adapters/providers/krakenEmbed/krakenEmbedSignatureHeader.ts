import { WebhookRejected } from '../../../errors/index.js';

export type KrakenEmbedSignature = Readonly<{ timestamp: number; signatures: readonly string[] }>;

const expectedFormat = 'expected "X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>"';

/**
 * Parses `X-Signature: t=…,v1=…` (docs/providers.md §2.2). Every `v1` is collected, as in
 * Kraken's own example parser, so that a delivery signed during a secret rotation still matches.
 * Throws `WebhookRejected` (`MISSING_SIGNATURE`, `MALFORMED_SIGNATURE`).
 */
export const parseKrakenEmbedSignature = (header: string | undefined): KrakenEmbedSignature => {
  if (header === undefined || header.trim() === '') {
    throw new WebhookRejected(
      'MISSING_SIGNATURE',
      `The X-Signature header is missing; ${expectedFormat}.`,
    );
  }
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (separator < 0) continue;
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === null || signatures.length === 0) {
    throw new WebhookRejected(
      'MALFORMED_SIGNATURE',
      `The X-Signature header is malformed; ${expectedFormat}.`,
    );
  }
  return { timestamp, signatures };
};
