import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { RequestRejected } from '../../errors/index.js';

type Part = 'body' | 'querystring' | 'params' | 'headers';

const codeOf = (part: string) => (part === 'body' ? 'INVALID_BODY' : 'INVALID_QUERY');
const wholeOf = (part: string) => (part === 'body' ? 'body' : part === 'params' ? 'path' : 'query');

/**
 * Fastify validates each route's `querystring`, `params` and `body` with the zod schemas the
 * route declares (the same schemas the OpenAPI document is generated from), through
 * fastify-type-provider-zod's compiler. A failure leaves as payrec's `{code, reason}`:
 * `INVALID_BODY` for the body, `INVALID_QUERY` otherwise, naming the fields that failed (never
 * their values) followed by the schema's description, which says what each field accepts.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = validatorCompiler(route);
  const part = route.httpPart as Part;
  const rules = route.schema.description ?? '';
  return (data) => {
    // The zod compiler answers synchronously, with `{value}` or `{error}`.
    const result = validate(data) as { value?: unknown; error?: unknown };
    if (result.error === undefined) return { value: result.value };
    const issues = (Array.isArray(result.error) ? result.error : []) as ReadonlyArray<{
      instancePath?: string;
      params?: { keys?: unknown };
    }>;
    const fields = [
      ...new Set(
        issues.flatMap(({ instancePath = '', params }) => {
          const at = instancePath.replace(/^\//, '').replaceAll('/', '.');
          // A field the route does not take is named itself (an unknown key).
          const unknown = Array.isArray(params?.keys) ? params.keys.map(String) : [];
          return unknown.length > 0
            ? unknown.map((key) => (at === '' ? key : `${at}.${key}`))
            : [at || wholeOf(part)];
        }),
      ),
    ];
    return {
      error: new RequestRejected(
        codeOf(part),
        `Check ${fields.join(', ') || wholeOf(part)}${rules === '' ? '.' : `: ${rules}`}`,
      ),
    };
  };
};

/**
 * Answers are serialised as they are: their schemas describe them in the OpenAPI document (and
 * the integration tests check the answers against it), but a mismatch never turns an answer
 * into a 500 in production.
 */
export const plainSerializerCompiler = () => (data: unknown) => JSON.stringify(data);
