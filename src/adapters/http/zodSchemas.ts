import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { invalidInput } from '../../application/index.js';

/**
 * Fastify validates each route's `querystring`, `params` and `body` with the zod schemas the
 * route declares (the same schemas the OpenAPI document is generated from). A failure leaves as
 * payrec's `{code, reason}`: `INVALID_BODY` for the body, `INVALID_QUERY` otherwise, naming each
 * field that failed, the value it had and what it takes, as the console and the command line
 * say it (`inputProblems`).
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    return {
      error: invalidInput(
        parsed.error,
        data,
        httpPart === 'body' ? 'body' : httpPart === 'params' ? 'path' : 'query',
      ),
    };
  };

/**
 * Answers are serialised as they are: their schemas describe them in the OpenAPI document (and
 * the integration tests check the answers against it), but a mismatch never turns an answer
 * into a 500 in production.
 */
export const plainSerializerCompiler = () => (data: unknown) => JSON.stringify(data);
