import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthFailureLimiter } from '../authFailureLimiter.js';
import type { ConsoleSessions } from './consoleSession.js';

const stylesheet = readFileSync(new URL('./views/console.css', import.meta.url), 'utf8');

/** The console's icon: a check mark over a ledger line, in the console's accent colour. */
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f5fa8"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/><path d="M7 27h18" stroke="#cfe0f5" stroke-width="2" stroke-linecap="round"/></svg>`;

const signInForm = z.object({
  token: z.string().max(512),
  next: z.string().max(2048).optional(),
});

/** Only a console page: never an open redirect. */
const consolePageOr = (next: string | undefined): string =>
  next !== undefined && /^\/console(\/|\?|$)/.test(next) ? next : '/console';

/**
 * What the console serves before sign-in: its stylesheet, the sign-in form (a failed sign-in
 * spends the API's budget of failed authentications) and sign-out.
 */
export const signInPages =
  (sessions: ConsoleSessions, authFailures: AuthFailureLimiter) =>
  async (scope: FastifyInstance) => {
    const hidden = { schema: { hide: true } };
    const acting = {
      ...hidden,
      preHandler: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
        scope.csrfProtection(request, reply, done);
      },
    };
    const form = (reply: FastifyReply, next: string, failed: boolean) =>
      reply.code(failed ? 401 : 200).view('signIn', {
        title: 'Sign in',
        user: null,
        nav: [],
        csrfToken: reply.generateCsrf(),
        next,
        failed,
      });

    scope.get('/console.css', hidden, (_request, reply) =>
      reply
        .header('content-type', 'text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(stylesheet),
    );

    scope.get('/favicon.svg', hidden, (_request, reply) =>
      reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'public, max-age=86400')
        .send(favicon),
    );

    scope.get('/sign-in', hidden, async (request, reply) => {
      if (!sessions.needsSignIn || (await sessions.userOf(request)) !== null) {
        return reply.redirect('/console', 303);
      }
      return form(reply, (request.query as { next?: string }).next ?? '/console', false);
    });

    scope.post('/sign-in', acting, async (request, reply) => {
      const parsed = signInForm.safeParse(request.body);
      const user = parsed.success ? await sessions.signIn(reply, parsed.data.token.trim()) : null;
      const next = parsed.success ? parsed.data.next : undefined;
      if (user === null) {
        // Past the source's budget this throws RATE_LIMITED (429, Retry-After).
        await authFailures.fail(request.ip);
        return form(reply, next ?? '/console', true);
      }
      return reply.redirect(consolePageOr(next), 303);
    });

    scope.post('/sign-out', acting, async (request, reply) => {
      await sessions.signOut(request, reply);
      return reply.redirect('/console/sign-in', 303);
    });
    return Promise.resolve();
  };
