import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Operation = {
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
};
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Fastify's `/payments/:provider/:ref` as OpenAPI writes it: `/payments/{provider}/{ref}`. */
export const openApiPath = (fastifyUrl: string): string =>
  fastifyUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Checks a real answer against the document: the route, method and status must be documented
 * (exactly, or by its `4XX`/`5XX` range), and a JSON body must match the schema given for it.
 * Answers the problems found; none when it conforms.
 */
export const conformanceOf = (document: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<object, ReturnType<Ajv2020['compile']>>();
  return (
    method: string,
    path: string,
    answer: Readonly<{ statusCode: number; headers: Record<string, unknown>; body: string }>,
  ): string[] => {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (operation === undefined) return [`${method} ${path} is not documented`];
    const status = String(answer.statusCode);
    const response =
      operation.responses?.[status] ?? operation.responses?.[`${status.charAt(0)}XX`];
    if (response === undefined) return [`${method} ${path} does not document ${status}`];
    const contentType = answer.headers['content-type'];
    const mediaType = (typeof contentType === 'string' ? contentType : '').split(';')[0] ?? '';
    const schema = response.content?.[mediaType]?.schema;
    if (schema === undefined) {
      return [`${method} ${path} ${status} does not document ${mediaType || 'no media type'}`];
    }
    if (mediaType !== 'application/json') return [];
    // The schema's references point into the document's components: compiled beside them.
    const withRefs = { ...schema, components: document.components ?? {} };
    let validate = compiled.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(withRefs);
      compiled.set(schema, validate);
    }
    return validate(JSON.parse(answer.body))
      ? []
      : (validate.errors ?? []).map(
          (error) => `${method} ${path} ${status}: ${error.instancePath} ${error.message ?? ''}`,
        );
  };
};

const templateOf = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/**
 * The documented path a request's URL falls under (`/payments/kkiapay/R-1` →
 * `/payments/{provider}/{ref}`), preferring literal segments over parameters; `null` when none.
 */
export const documentedPath = (document: OpenApiDocument, url: string): string | null => {
  const path = url.split('?')[0] ?? '';
  const candidates = Object.keys(document.paths).filter((template) =>
    templateOf(template).test(path),
  );
  const literalSegments = (template: string) =>
    template.split('/').filter((segment) => !segment.startsWith('{')).length;
  return candidates.sort((a, b) => literalSegments(b) - literalSegments(a))[0] ?? null;
};
