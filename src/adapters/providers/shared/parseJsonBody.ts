import type { z } from 'zod';
import { WebhookRejected } from '../../../errors/index.js';
import { failingFields } from '../../shared/failingFields.js';

/**
 * Parses a JSON body and then its schema. Throws `WebhookRejected` with `MALFORMED_BODY` (not
 * JSON) or `SCHEMA_INVALID` (JSON of the wrong shape, naming the fields, never their values).
 */
export const parseJsonBody = <T extends z.ZodType>(
  rawBody: Buffer,
  schema: T,
  what: string,
): z.infer<T> => {
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
