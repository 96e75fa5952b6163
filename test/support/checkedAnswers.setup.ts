import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { vi } from 'vitest';
import type * as Main from '../../src/main.js';
import { conformanceOf, documentedPath, type OpenApiDocument } from './openApiConformance.js';

/**
 * Every answer the integration tests get from a service, checked against its own OpenAPI
 * document: `createService` is wrapped so that `app.inject({…})` fails the test when a documented
 * route answers something its document does not describe (a status, a media type, a JSON shape).
 * Routes the document leaves out (the console's pages, unknown URLs) are not checked.
 */
vi.mock('../../src/main.js', async (importOriginal) => {
  const original = await importOriginal<typeof Main>();
  const createService: typeof original.createService = async (...args) => {
    const service = await original.createService(...args);
    const { app } = service;
    const inject = app.inject.bind(app);
    let check: ReturnType<typeof conformanceOf> | undefined;
    let document: OpenApiDocument | undefined;
    const checked = async (options: InjectOptions | string): Promise<LightMyRequestResponse> => {
      const answer = await inject(options);
      const { method = 'GET', url = '/' } =
        typeof options === 'string' ? { url: options } : options;
      const target = typeof url === 'string' ? url : url.pathname;
      if (document === undefined) {
        document = (await inject({ url: '/openapi.json' })).json<OpenApiDocument>();
        check = conformanceOf(document);
      }
      const path = documentedPath(document, target);
      if (path === null || check === undefined) return answer;
      const problems = check(method, path, answer);
      if (problems.length > 0) {
        throw new Error(`the answer does not match the OpenAPI document:\n${problems.join('\n')}`);
      }
      return answer;
    };
    // Only the promise form (`await app.inject({…})`) is checked; the chained and callback forms
    // pass through as they are.
    app.inject = ((options?: InjectOptions | string, callback?: unknown) =>
      options === undefined || callback !== undefined
        ? (inject as (...all: unknown[]) => unknown)(options, callback)
        : checked(options)) as typeof app.inject;
    return service;
  };
  return { ...original, createService };
});
