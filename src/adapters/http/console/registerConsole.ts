import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiToken } from '../../../apiTokens.js';
import { operatorResolutions, paymentKey, type ProviderName } from '../../../domain/index.js';
import { discrepancyKinds, publicDiscrepancyId } from '../../../projections/index.js';
import { tabularFormats } from '../../common/tabular.js';
import { consoleHeaders } from '../apiAuth.js';
import {
  alreadyParsed,
  exportKindNames,
  exportKindsFor,
  type ExportStores,
} from '../exportKinds.js';
import { sendRows } from '../exportRoutes.js';
import { toErrorAnswer } from '../httpErrors.js';
import { registerConsolePlugins } from './consolePlugins.js';
import type { AuthFailureLimiter } from '../authFailureLimiter.js';
import { consoleSessions, type ConsoleUser } from './consoleSession.js';
import type { ConsoleSessionStore } from './consoleSessionStore.js';
import { deliveryChart } from './deliveryChart.js';
import { overviewFigures, type OverviewSources } from './overviewFigures.js';

export type ConsoleOptions = Readonly<{
  tokens: readonly ApiToken[];
  /** Where sessions are kept, so that every process on the store shares them. */
  sessionStore: ConsoleSessionStore;
  /** The API's throttle of failed authentications: a failed sign-in spends the same budget. */
  authFailures: AuthFailureLimiter;
  /** Signs the session and CSRF cookies; random per process unless configured. */
  cookieSecret: string;
  /** Lets the console call the API in process as the signed-in person (see `apiAuth`). */
  consoleKey: string;
  providers: readonly ProviderName[];
  /** Whether fulfilment triggers are sent (`PAYREC_FULFILMENT_URL` is set). */
  fulfilmentOn: boolean;
  stores: ExportStores;
  overview: Omit<OverviewSources, 'readModels'>;
  now: () => Date;
}>;

/** A fresh console key, for `createApiAuth` and the console alike. */
export const newConsoleKey = (): string => randomBytes(32).toString('hex');

const stylesheet = readFileSync(new URL('./views/console.css', import.meta.url), 'utf8');

/** What the API answered an in-process call. */
type ApiAnswer<Body> = Readonly<{ status: number; body: Body }>;
type Refusal = Readonly<{ code: string; reason: string }>;

const pages = [
  { path: '/console', label: 'Overview' },
  { path: '/console/payments', label: 'Payments' },
  { path: '/console/discrepancies', label: 'Discrepancies' },
  { path: '/console/fulfilments', label: 'Fulfilments' },
  { path: '/console/deliveries', label: 'Deliveries' },
] as const;

/** What a notice after an action says (a redirect carries only its key). */
const notices: Readonly<Record<string, string>> = {
  acknowledged: 'Discrepancy acknowledged; the note is in its history.',
  resolved: 'Discrepancy resolved; the resolution is in its history.',
  redriven: 'Fulfilment re-driven: it is being delivered again with a fresh retry budget.',
};

/** The query string without empty fields (a form submits blank inputs as ``). */
const queryOf = (query: unknown, drop: readonly string[] = []): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && value !== '' && !drop.includes(name)) {
      params.set(name, value);
    }
  }
  return params;
};

/**
 * An `asOf` as the picker sends it (`2026-11-24T10:00` or with seconds, read as UTC) or any
 * ISO-8601 instant with a zone, as the API takes it.
 */
const asOfInstant = (value: string): string =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)
    ? `${value}:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)
      ? `${value}Z`
      : value;

const formOf = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> | null => {
  const parsed = schema.safeParse(body);
  return parsed.success ? parsed.data : null;
};

/**
 * The operator console at `/console` (docs/console.md): server-rendered pages (eta, escaping by
 * default; no script at all), usable without JavaScript and at 375 px. Each page reads through
 * the API in process, as the signed-in person, so the console validates, refuses and records
 * exactly as the API does: a `read` session sees no action and the API refuses the action
 * anyway. Every form carries a CSRF token; the pages carry a strict Content-Security-Policy.
 */
export const registerConsole = async (
  app: FastifyInstance,
  options: ConsoleOptions,
): Promise<void> => {
  const sessions = consoleSessions(options.tokens, options.sessionStore, options.now);
  const kinds = exportKindsFor(options.providers);
  await app.register(
    async (scope) => {
      await registerConsolePlugins(scope, options.cookieSecret);

      const refuse = (reply: FastifyReply, status: number, code: string, reason: string) =>
        reply.code(status).view('error', { title: 'Refused', user: null, nav: [], code, reason });

      scope.setErrorHandler((error, request, reply) => {
        const answer = toErrorAnswer(error);
        const csrfRefused = (error as { code?: string }).code?.startsWith('FST_CSRF') === true;
        if (answer.code === 'INTERNAL_ERROR' && !csrfRefused) {
          request.log.error({ err: error }, 'console request failed');
        } else {
          request.log.info({ code: csrfRefused ? 'CSRF' : answer.code }, 'console request refused');
        }
        return csrfRefused
          ? refuse(
              reply,
              403,
              'FORBIDDEN',
              'The form was not sent from this console (its CSRF token is missing or stale). Reload the page and try again.',
            )
          : refuse(reply, answer.status, answer.code, answer.reason);
      });

      const hidden = { schema: { hide: true } };
      const acting = {
        ...hidden,
        preHandler: (
          request: FastifyRequest,
          reply: FastifyReply,
          done: (error?: Error) => void,
        ) => {
          scope.csrfProtection(request, reply, done);
        },
      };

      /** Calls the API in process, as the signed-in person. */
      const api = async <Body>(
        user: ConsoleUser,
        method: 'GET' | 'POST',
        url: string,
        payload?: Record<string, unknown>,
      ): Promise<ApiAnswer<Body>> => {
        const answer = await scope.inject({
          method,
          url,
          headers: {
            [consoleHeaders.key]: options.consoleKey,
            [consoleHeaders.actor]: user.name,
            [consoleHeaders.role]: user.role,
          },
          ...(payload === undefined ? {} : { payload }),
        });
        return { status: answer.statusCode, body: answer.json<Body>() };
      };

      const userOrRedirect = async (
        request: FastifyRequest,
        reply: FastifyReply,
      ): Promise<ConsoleUser | null> => {
        const user = await sessions.userOf(request);
        if (user !== null) return user;
        if (!sessions.needsSignIn) {
          void refuse(
            reply,
            403,
            'LOOPBACK_ONLY',
            'The console answers only loopback clients while no API token is configured.',
          );
        } else {
          void reply.redirect(`/console/sign-in?next=${encodeURIComponent(request.url)}`, 303);
        }
        return null;
      };

      /** Renders a page for a signed-in person, with what every page shows. */
      const page = (
        request: FastifyRequest,
        reply: FastifyReply,
        user: ConsoleUser,
        template: string,
        data: Record<string, unknown>,
      ) => {
        const notice = (request.query as { notice?: string } | undefined)?.notice;
        return reply.header('cache-control', 'no-store').view(template, {
          ...data,
          user,
          canOperate: user.role === 'operate',
          needsSignIn: sessions.needsSignIn,
          csrfToken: reply.generateCsrf(),
          nav: pages.map((entry) => ({
            ...entry,
            current:
              entry.path === '/console'
                ? ['/console', '/console/'].includes(request.url.split('?')[0] ?? '')
                : request.url.startsWith(entry.path),
          })),
          notice: notice === undefined ? null : (notices[notice] ?? null),
          providers: options.providers,
          fulfilmentOff: !options.fulfilmentOn,
        });
      };

      /**
       * A page of a list route: the filters the person chose (blank ones dropped), the API's
       * page, and the link to the next page with the same filters.
       */
      const listPage =
        (route: string, template: string, title: string, extra: Record<string, unknown> = {}) =>
        async (request: FastifyRequest, reply: FastifyReply) => {
          const user = await userOrRedirect(request, reply);
          if (user === null) return reply;
          const filters = queryOf(request.query, ['notice']);
          const answer = await api<{ items: unknown[]; nextCursor: string | null } & Refusal>(
            user,
            'GET',
            `/${route}?${filters.toString()}`,
          );
          const next =
            answer.status === 200 && answer.body.nextCursor !== null
              ? `/console/${route}?${new URLSearchParams({ ...Object.fromEntries(filters), cursor: answer.body.nextCursor }).toString()}`
              : null;
          const exportFilters = queryOf(request.query, ['notice', 'cursor', 'limit', 'order']);
          return page(request, reply, user, template, {
            title,
            filters: Object.fromEntries(filters),
            answer,
            next,
            exports: tabularFormats.map((format) => ({
              format,
              href: `/console/exports/${route}?${new URLSearchParams({ ...Object.fromEntries(exportFilters), format }).toString()}`,
            })),
            ...extra,
          });
        };

      scope.get('/console.css', hidden, (_request, reply) =>
        reply
          .header('content-type', 'text/css; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(stylesheet),
      );

      scope.get('/sign-in', hidden, async (request, reply) => {
        if (!sessions.needsSignIn || (await sessions.userOf(request)) !== null) {
          return reply.redirect('/console', 303);
        }
        return reply.view('signIn', {
          title: 'Sign in',
          user: null,
          nav: [],
          csrfToken: reply.generateCsrf(),
          next: (request.query as { next?: string }).next ?? '/console',
          failed: false,
        });
      });

      scope.post('/sign-in', acting, async (request, reply) => {
        const form = formOf(
          z.object({ token: z.string().max(512), next: z.string().max(2048).optional() }),
          request.body,
        );
        const user = form === null ? null : await sessions.signIn(reply, form.token.trim());
        if (user === null) {
          // Past the source's budget this throws RATE_LIMITED (429, Retry-After).
          await options.authFailures.fail(request.ip);
          return reply.code(401).view('signIn', {
            title: 'Sign in',
            user: null,
            nav: [],
            csrfToken: reply.generateCsrf(),
            next: form?.next ?? '/console',
            failed: true,
          });
        }
        // Only a console page: never an open redirect.
        const next = form?.next ?? '/console';
        return reply.redirect(/^\/console(\/|\?|$)/.test(next) ? next : '/console', 303);
      });

      scope.post('/sign-out', acting, async (request, reply) => {
        await sessions.signOut(request, reply);
        return reply.redirect('/console/sign-in', 303);
      });

      scope.get('/', hidden, async (request, reply) => {
        const user = await userOrRedirect(request, reply);
        if (user === null) return reply;
        const now = options.now();
        const figures = await overviewFigures(
          { readModels: options.stores.readModels, ...options.overview },
          now,
        );
        return page(request, reply, user, 'overview', {
          title: 'Overview',
          figures,
          chart: deliveryChart(figures.deliveries),
        });
      });

      scope.get('/payments', hidden, listPage('payments', 'payments', 'Payments'));

      scope.get('/payments/:provider/:ref', hidden, async (request, reply) => {
        const user = await userOrRedirect(request, reply);
        if (user === null) return reply;
        const { provider, ref } = request.params as { provider: string; ref: string };
        const path = `/payments/${encodeURIComponent(provider)}/${encodeURIComponent(ref)}`;
        const asOfInput = (request.query as { asOf?: string }).asOf ?? '';
        const asOf = asOfInput === '' ? null : asOfInstant(asOfInput);
        // Folded from the stream (as of now, unless a moment is asked): right after an action
        // the page shows its effect, which the read model may not hold yet.
        const payment = await api<Record<string, unknown> & Refusal>(
          user,
          'GET',
          `${path}?${new URLSearchParams({ asOf: asOf ?? options.now().toISOString() }).toString()}`,
        );
        const trail = await api<{ events: Array<Record<string, unknown>> } & Refusal>(
          user,
          'GET',
          `${path}/events`,
        );
        const id = { provider, ref };
        const discrepancies = ((payment.body['discrepancies'] ?? []) as Array<{ id: string }>).map(
          (discrepancy) => ({
            ...discrepancy,
            publicId: publicDiscrepancyId(id, discrepancy.id),
          }),
        );
        return page(request, reply, user, 'payment', {
          title: `${provider} ${ref}`,
          key: paymentKey(id),
          path,
          asOf,
          asOfInput: asOf === null ? '' : asOf.slice(0, 19),
          payment,
          trail,
          discrepancies,
          resolutions: operatorResolutions,
        });
      });

      scope.get(
        '/discrepancies',
        hidden,
        listPage('discrepancies', 'discrepancies', 'Discrepancies', { kinds: discrepancyKinds }),
      );

      /**
       * Acts on a discrepancy, then goes back where the person was. The form's fields go to the
       * API as they are: it validates them, and its refusal is the page's.
       */
      const discrepancyAction =
        (action: 'acknowledge' | 'resolve') =>
        async (request: FastifyRequest, reply: FastifyReply) => {
          const user = await userOrRedirect(request, reply);
          if (user === null) return reply;
          const { id } = request.params as { id: string };
          const form = (request.body ?? {}) as Record<string, unknown>;
          const answer = await api<Refusal>(
            user,
            'POST',
            `/discrepancies/${encodeURIComponent(id)}/${action}`,
            action === 'resolve'
              ? { resolution: form['resolution'], note: form['note'] }
              : { note: form['note'] },
          );
          if (answer.status !== 200) {
            return refuse(reply, answer.status, answer.body.code, answer.body.reason);
          }
          const back = form['back'];
          const target =
            typeof back === 'string' && back.startsWith('/console/')
              ? back
              : '/console/discrepancies';
          const notice = action === 'resolve' ? 'resolved' : 'acknowledged';
          return reply.redirect(
            `${target}${target.includes('?') ? '&' : '?'}notice=${notice}`,
            303,
          );
        };
      scope.post('/discrepancies/:id/acknowledge', acting, discrepancyAction('acknowledge'));
      scope.post('/discrepancies/:id/resolve', acting, discrepancyAction('resolve'));

      scope.get('/fulfilments', hidden, listPage('fulfilments', 'fulfilments', 'Fulfilments'));

      // Bulk re-drive: the first post previews (the API's count), the confirmation acts.
      scope.post('/fulfilments/redrive', acting, async (request, reply) => {
        const user = await userOrRedirect(request, reply);
        if (user === null) return reply;
        const form = formOf(
          z.object({
            reason: z.string().max(500),
            provider: z.string().max(64).optional(),
            exhaustedBefore: z.string().max(64).optional(),
            confirm: z.literal('yes').optional(),
          }),
          request.body,
        );
        if (form === null) {
          return refuse(reply, 400, 'INVALID_BODY', 'Say why you re-drive (a reason is required).');
        }
        const payload = {
          reason: form.reason,
          ...(form.provider ? { provider: form.provider } : {}),
          ...(form.exhaustedBefore ? { exhaustedBefore: asOfInstant(form.exhaustedBefore) } : {}),
          ...(form.confirm === 'yes' ? { confirm: true } : {}),
        };
        const answer = await api<
          { preview: boolean; matching: number; redriven: number; more?: boolean } & Refusal
        >(user, 'POST', '/fulfilments/redrive', payload);
        if (answer.status >= 400) {
          return refuse(reply, answer.status, answer.body.code, answer.body.reason);
        }
        return page(request, reply, user, 'redrive', {
          title: answer.body.preview ? 'Re-drive: preview' : 'Re-drive: done',
          form: { ...payload, exhaustedBefore: form.exhaustedBefore ?? '' },
          result: answer.body,
        });
      });

      scope.post(
        '/payments/:provider/:ref/fulfilments/:webhookId/redrive',
        acting,
        async (request, reply) => {
          const user = await userOrRedirect(request, reply);
          if (user === null) return reply;
          const { provider, ref, webhookId } = request.params as Record<string, string>;
          const path = `/payments/${encodeURIComponent(provider ?? '')}/${encodeURIComponent(ref ?? '')}`;
          const answer = await api<Refusal>(
            user,
            'POST',
            `${path}/fulfilments/${encodeURIComponent(webhookId ?? '')}/redrive`,
          );
          if (answer.status !== 202) {
            return refuse(reply, answer.status, answer.body.code, answer.body.reason);
          }
          return reply.redirect(`/console${path}?notice=redriven`, 303);
        },
      );

      scope.get('/deliveries', hidden, listPage('deliveries', 'deliveries', 'Deliveries'));

      // Replay: a dry run first; it is applied only when the person confirms.
      scope.post('/deliveries/:id/replay', acting, async (request, reply) => {
        const user = await userOrRedirect(request, reply);
        if (user === null) return reply;
        const { id } = request.params as { id: string };
        const form = formOf(z.object({ apply: z.literal('yes').optional() }), request.body);
        const apply = form?.apply === 'yes';
        const answer = await api<Record<string, unknown> & Refusal>(
          user,
          'POST',
          `/deliveries/${encodeURIComponent(id)}/replay`,
          { apply },
        );
        if (answer.status !== 200) {
          return refuse(reply, answer.status, answer.body.code, answer.body.reason);
        }
        return page(request, reply, user, 'replay', {
          title: apply ? 'Replay: applied' : 'Replay: dry run',
          id,
          apply,
          result: answer.body,
        });
      });

      // Downloads: the export of what the page shows, with the API's filters.
      scope.get('/exports/:kind', hidden, async (request, reply) => {
        const user = await userOrRedirect(request, reply);
        if (user === null) return reply;
        const { kind: name } = request.params as { kind: string };
        const kind = (exportKindNames as readonly string[]).includes(name)
          ? kinds[name as (typeof exportKindNames)[number]]
          : undefined;
        if (kind === undefined) return refuse(reply, 404, 'NOT_FOUND', `No export ${name}.`);
        const { format = 'csv', ...filters } = Object.fromEntries(queryOf(request.query));
        const parsed = kind.schema.safeParse(filters);
        if (!parsed.success || !(tabularFormats as readonly string[]).includes(format)) {
          return refuse(reply, 400, 'INVALID_QUERY', `${kind.rules} format is csv or ndjson.`);
        }
        sendRows(
          reply,
          kind.source(parsed.data, alreadyParsed, options.stores),
          format as (typeof tabularFormats)[number],
          name,
          options.now(),
        );
        return reply;
      });
    },
    { prefix: '/console' },
  );
};
