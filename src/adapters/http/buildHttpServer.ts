import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import { RequestRejected } from '../../errors/index.js';
import { answerClientError } from './clientErrors.js';
import { registerHealthRoutes, type ReadinessCheck } from './healthRoutes.js';
import { toErrorAnswer } from './httpErrors.js';
import { registerOpenApi } from './openApi.js';
import { plainSerializerCompiler, zodValidatorCompiler } from './zodSchemas.js';

export type { ReadinessCheck } from './healthRoutes.js';

export type HttpServerOptions = Readonly<{
  logger: FastifyBaseLogger;
  readiness: readonly ReadinessCheck[];
  /** payrec's version, for the OpenAPI document. */
  version?: string;
  /** The roles this process holds, listed by `/readyz` (none by default). */
  roles?: () => readonly string[];
  /** Largest body any route accepts, in bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** Fastify's trust-proxy value; `false` (default) takes the client from the socket. */
  trustProxy?: boolean | number | string;
  /** A client must send its whole request within this. Default 60 s. */
  requestTimeoutMs?: number;
  /** …and its headers within this. Default 20 s. */
  headersTimeoutMs?: number;
  /** An idle kept-alive connection is closed after this. Default 5 s. */
  keepAliveTimeoutMs?: number;
}>;

/** A route as registered: its method and URL pattern (`/payments/:provider/:ref`). */
export type RegisteredRoute = Readonly<{ method: string; url: string }>;

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered on an app built here, for checking that each one is documented. */
export const routesOf = (app: FastifyInstance): readonly RegisteredRoute[] =>
  registered.get(app) ?? [];

/**
 * The longest path segment a route takes: a payment ref of 256 characters, each up to four UTF-8
 * bytes written as `%XX`, is 3,072 characters in a URL.
 */
export const maxPathSegmentLength = 3_072;

/**
 * Every error leaves as `{code, reason}` with its status from the one table, logged by what it
 * is: an unexpected failure with its stack, a known state of the service in one line.
 */
const answerEveryError = (app: FastifyInstance): void => {
  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorAnswer(error);
    // An unexpected failure is an error, with its stack; a known state of the service (a full
    // disk, a closing store) is one line at `warn`, however many requests meet it.
    if (answer.code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'request failed');
    else if (answer.status >= 500)
      request.log.warn({ code: answer.code, reason: (error as Error).message }, 'request refused');
    else if (answer.code === 'REQUEST_ABORTED') request.log.debug('client aborted the request');
    else request.log.info({ code: answer.code }, 'request rejected');
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    return reply.code(answer.status).send({ code: answer.code, reason: answer.reason });
  });

  app.setNotFoundHandler((request) => {
    throw new RequestRejected(
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    );
  });
};

/**
 * Builds the Fastify app (not listening). Every error leaves as `{code, reason}` with the status
 * from the one table in `httpErrors.ts`; a 5xx keeps its details in the log only. Routes
 * declare zod schemas, which Fastify validates with and the OpenAPI document (`/openapi.json`,
 * `/docs`) is generated from: register them after this resolves.
 */
export const buildHttpServer = async ({
  logger,
  readiness: checks,
  roles = () => [],
  version = 'unknown',
  bodyLimit = 64 * 1024,
  trustProxy = false,
  requestTimeoutMs = 60_000,
  headersTimeoutMs = 20_000,
  keepAliveTimeoutMs = 5_000,
}: HttpServerOptions): Promise<FastifyInstance> => {
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's two lines per request at `info` were 5 MB of log per 9,000 deliveries: what
    // matters (a delivery accepted or rejected, an error) is logged at `info` where it happens,
    // and every request at `debug` (the hook below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    // While closing, requests are answered 503 by the hook below, as {code, reason} like every
    // other answer (Fastify's own 503 has another shape).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // A number of hops, as Fastify's types take it: trust the nearest `hops` proxies.
    trustProxy:
      typeof trustProxy === 'number'
        ? (_address: string, hop: number) => hop < trustProxy
        : trustProxy,
    // Node cuts a request not received in full within `requestTimeout`, whatever the client
    // dribbles, but only when it checks its connections: every second here, not every 30 s.
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
    },
    routerOptions: { maxParamLength: maxPathSegmentLength },
    clientErrorHandler: answerClientError(logger, requestTimeoutMs),
    // The router's own refusals (a bad percent-encoding, an overlong segment) answer through the
    // same table as everything else.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const answer = toErrorAnswer(error);
      request.log.info({ code: answer.code }, 'request rejected');
      void reply.code(answer.status).send({ code: answer.code, reason: answer.reason });
    },
  });

  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', ({ method, url }) => {
    for (const one of [method].flat()) routes.push({ method: one, url });
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainSerializerCompiler);
  await registerOpenApi(app, version);

  // Every request, at `debug`: its route, answer and time (the request's own fields, never its
  // body or its headers, which can carry secrets).
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      {
        method: request.method,
        url: request.routeOptions.url ?? request.url.split('?')[0],
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    done(
      closing
        ? new RequestRejected(
            'SHUTTING_DOWN',
            'payrec is shutting down; retry the request in a moment (another instance, or this one once restarted).',
          )
        : undefined,
    );
  });
  answerEveryError(app);

  registerHealthRoutes(app, checks, roles);

  return app;
};
