import type { z } from 'zod';
import { WebhookRejected } from '../../../errors/index.js';
import { failingFields } from '../../common/failingFields.js';
import { jsonBodyLimits, measureJsonStructure } from './jsonStructure.js';

/** Throws `WebhookRejected` (`BODY_TOO_COMPLEX`) for a body past `jsonBodyLimits`. */
export const assertJsonStructure = (raw: Uint8Array, what: string): void => {
  const structure = measureJsonStructure(raw);
  if (structure.within) return;
  throw new WebhookRejected(
    'BODY_TOO_COMPLEX',
    structure.exceeded === 'depth'
      ? `The body nests deeper than ${jsonBodyLimits.maxDepth} levels; a ${what} delivery does not.`
      : `The body holds more than ${jsonBodyLimits.maxValues} values; a ${what} delivery does not.`,
  );
};

/**
 * Parses a JSON body and then its schema, after bounding its structure. Throws
 * `WebhookRejected` with `BODY_TOO_COMPLEX` (nested or repeated past `jsonBodyLimits`, checked
 * before anything parses or recurses), `MALFORMED_BODY` (not JSON) or `SCHEMA_INVALID` (JSON of
 * the wrong shape, naming the fields, never their values).
 */
export const parseJsonBody = <T extends z.ZodType>(
  rawBody: Buffer,
  schema: T,
  what: string,
): z.infer<T> => {
  assertJsonStructure(rawBody, what);
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookRejected(
      'MALFORMED_BODY',
      `The body is not valid JSON; ${what} sends a JSON object.`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = failingFields(parsed.error, '(body)');
    throw new WebhookRejected(
      'SCHEMA_INVALID',
      `The body is not a ${what} delivery: check ${fields}.`,
    );
  }
  return parsed.data;
};
