import type { FastifyInstance } from 'fastify';
import type { ApiToken } from '../../../apiTokens.js';
import type { OverviewFigures, UseCases } from '../../../application/index.js';
import type { AuthFailureLimiter } from '../authFailureLimiter.js';
import { toErrorAnswer } from '../httpErrors.js';
import { actionForms } from './actionForms.js';
import { registerConsolePlugins } from './consolePlugins.js';
import { refuse, requireSession, type ConsoleContext } from './consolePage.js';
import { consoleSessions } from './consoleSession.js';
import type { ConsoleSessionStore } from './consoleSessionStore.js';
import { exportDownloads } from './exportDownloads.js';
import { listPages } from './listPages.js';
import { overviewPage } from './overviewPage.js';
import { paymentPage } from './paymentPage.js';
import { signInPages } from './signInPages.js';

export type ConsoleOptions = Readonly<{
  tokens: readonly ApiToken[];
  /** Where sessions are kept, so that every process on the store shares them. */
  sessionStore: ConsoleSessionStore;
  /** The API's throttle of failed authentications: a failed sign-in spends the same budget. */
  authFailures: AuthFailureLimiter;
  /** Signs the session and CSRF cookies; random per process unless configured. */
  cookieSecret: string;
  /** Whether fulfilment triggers are sent (`PAYREC_FULFILMENT_URL` is set). */
  fulfilmentOn: boolean;
  useCases: UseCases;
  overview: (now: Date) => Promise<OverviewFigures>;
}>;

/**
 * The operator console at `/console` (docs/console.md): server-rendered pages (eta, escaping by
 * default; no script at all), usable without JavaScript and at 375 px. Every page and form calls
 * the same use case as the API, as the signed-in person, so the console validates, refuses and
 * records exactly as the API does: a `read` session sees no action, and the use case refuses the
 * action anyway. One plugin per concern; one hook resolves the session for every page behind
 * sign-in. Every form carries a CSRF token; the pages carry a strict Content-Security-Policy.
 */
export const registerConsole = async (
  app: FastifyInstance,
  options: ConsoleOptions,
): Promise<void> => {
  const sessions = consoleSessions(options.tokens, options.sessionStore, options.useCases.now);
  const context: ConsoleContext = {
    useCases: options.useCases,
    overview: options.overview,
    sessions,
    fulfilmentOn: options.fulfilmentOn,
  };
  await app.register(
    async (scope) => {
      await registerConsolePlugins(scope, options.cookieSecret);
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
      await scope.register(signInPages(sessions, options.authFailures));
      await scope.register(async (signedIn) => {
        signedIn.addHook('preHandler', requireSession(sessions));
        await signedIn.register(overviewPage(context));
        await signedIn.register(listPages(context));
        await signedIn.register(paymentPage(context));
        await signedIn.register(actionForms(context));
        await signedIn.register(exportDownloads(context));
      });
    },
    { prefix: '/console' },
  );
};
