import type { z } from 'zod';
import { RequestRejected } from '../../errors/index.js';
import { failingFields } from '../common/failingFields.js';

const parsePart =
  (code: 'INVALID_QUERY' | 'INVALID_BODY', whole: string) =>
  <T extends z.ZodType>(schema: T, input: unknown, rules: string): z.infer<T> => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    throw new RequestRejected(code, `Check ${failingFields(parsed.error, whole)}: ${rules}`);
  };

/**
 * Parses query parameters with a schema. Throws `RequestRejected` (`INVALID_QUERY`) naming the
 * parameters that failed, followed by `rules`, which says what each accepts.
 */
export const parseQuery = parsePart('INVALID_QUERY', 'query');

/** Parses a JSON request body likewise; throws `RequestRejected` (`INVALID_BODY`). */
export const parseBody = parsePart('INVALID_BODY', 'body');
