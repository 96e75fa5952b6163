import type { z } from 'zod';
import { RequestRejected } from '../../domain/index.js';

/**
 * Parses query parameters with a schema. Throws `RequestRejected` (`INVALID_QUERY`) naming the
 * parameters that failed, followed by `rules`, which says what each accepts.
 */
export const parseQuery = <T extends z.ZodType>(
  schema: T,
  query: unknown,
  rules: string,
): z.infer<T> => {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const fields = [
    ...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'query')),
  ].join(', ');
  throw new RequestRejected('INVALID_QUERY', `Check ${fields}: ${rules}`);
};
