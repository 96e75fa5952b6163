import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import view from '@fastify/view';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const viewsDirectory = new URL('./views/', import.meta.url);

/**
 * What the console's scope runs on, and nothing outside it sees: signed cookies, form bodies,
 * CSRF tokens (their secret in a signed, HttpOnly, SameSite=Strict cookie; the token in each
 * form's `_csrf`), helmet's headers with a Content-Security-Policy that allows no script and
 * nothing cross-origin, and eta templates that escape by default.
 */
export const registerConsolePlugins = async (
  scope: FastifyInstance,
  cookieSecret: string,
): Promise<void> => {
  await scope.register(cookie, { secret: cookieSecret });
  await scope.register(formbody, { bodyLimit: 16 * 1024 });
  await scope.register(csrf, {
    cookieKey: 'payrec_csrf',
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      secure: 'auto',
      path: '/console',
    },
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf,
  });
  await scope.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // The pages reach nothing cross-origin; keep every other default of helmet.
    crossOriginEmbedderPolicy: true,
  });
  await scope.register(view, {
    engine: { eta: new Eta({ autoEscape: true, cache: true }) },
    root: fileURLToPath(viewsDirectory),
    viewExt: 'eta',
  });
};
