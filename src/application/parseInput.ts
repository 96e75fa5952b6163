import type { z } from 'zod';
import { RequestRejected } from '../errors/index.js';
import { inputProblems } from './inputProblems.js';

/**
 * Parses a person's input with a use case's own schema, refusing it as the API refuses it:
 * `INVALID_BODY` for a form or body, `INVALID_QUERY` for a query or a path, naming each field
 * that failed, the value it had and what it takes (`inputProblems`).
 */
export const parseInput = <T extends z.ZodType>(
  schema: T,
  input: unknown,
  part: 'body' | 'query',
): z.output<T> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalidInput(parsed.error, input, part);
};

/** The refusal of input that failed its schema. */
export const invalidInput = (
  error: z.ZodError,
  input: unknown,
  part: 'body' | 'query' | 'path',
): RequestRejected =>
  new RequestRejected(
    part === 'body' ? 'INVALID_BODY' : 'INVALID_QUERY',
    `Check ${inputProblems(error, input, undefined, `the ${part}`).join('; ')}.`,
  );
