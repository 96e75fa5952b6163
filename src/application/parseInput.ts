import type { z } from 'zod';
import { RequestRejected } from '../errors/index.js';

/**
 * Parses a person's input with a use case's own schema, refusing it as the API refuses it:
 * `INVALID_BODY` for a form or body, `INVALID_QUERY` for a query, naming the fields that failed
 * (never their values) and then the schema's description, which says what each accepts.
 */
export const parseInput = <T extends z.ZodType>(
  schema: T,
  input: unknown,
  part: 'body' | 'query',
): z.output<T> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = [
    ...new Set(
      parsed.error.issues.flatMap((issue) => {
        const at = issue.path.join('.');
        // A field the use case does not take is named itself (an unknown key).
        const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
        return unknown.length > 0
          ? unknown.map((key) => (at === '' ? key : `${at}.${key}`))
          : [at || part];
      }),
    ),
  ];
  const rules = schema.description ?? '';
  throw new RequestRejected(
    part === 'body' ? 'INVALID_BODY' : 'INVALID_QUERY',
    `Check ${fields.join(', ')}${rules === '' ? '.' : `: ${rules}`}`,
  );
};
