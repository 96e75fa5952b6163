import { differenceInWords } from '../../../application/discrepancyWords.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OverviewFigures, UseCases } from '../../../application/index.js';
import { PayrecError } from '../../../domain/index.js';
import { toErrorAnswer } from '../httpErrors.js';
import type { ConsoleSessions, ConsoleUser } from './consoleSession.js';

/** What every page of the console works with. */
export type ConsoleContext = Readonly<{
  useCases: UseCases;
  /** The overview's figures as of an instant. */
  overview: (now: Date) => Promise<OverviewFigures>;
  sessions: ConsoleSessions;
  /** Whether fulfilment triggers are sent (`PAYREC_FULFILMENT_URL` is set). */
  fulfilmentOn: boolean;
}>;

/** What a use case answered a page: its result, or its refusal as the API would answer it. */
export type Answer<Body> =
  | Readonly<{ status: 200; body: Body }>
  | Readonly<{ status: number; body: Readonly<{ code: string; reason: string }> }>;

/**
 * Runs a use case for a page that shows its refusal inline (a list with a filter it would not
 * take, a payment it does not know) rather than as an error page. Anything but payrec's own
 * refusals still fails the request.
 */
export const answerOf = async <Body>(run: () => Body | Promise<Body>): Promise<Answer<Body>> => {
  try {
    return { status: 200, body: await run() };
  } catch (error) {
    if (!(error instanceof PayrecError)) throw error;
    const { status, code, reason } = toErrorAnswer(error);
    return { status, body: { code, reason } };
  }
};

const users = new WeakMap<FastifyRequest, ConsoleUser>();

/** The signed-in person of a request the session hook let through. */
export const userOf = (request: FastifyRequest): ConsoleUser => {
  const user = users.get(request);
  if (user === undefined) throw new Error('a console page runs behind the session hook');
  return user;
};

/**
 * The hook of every page behind sign-in: it finds the session's person, or sends the browser to
 * sign in (and a tokenless console's non-loopback client away with `403 LOOPBACK_ONLY`).
 */
export const requireSession =
  (sessions: ConsoleSessions) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const user = await sessions.userOf(request);
    if (user !== null) {
      users.set(request, user);
      return undefined;
    }
    // Answering from an async hook ends the request there: Fastify runs no handler after it.
    if (!sessions.needsSignIn) {
      return refuse(
        reply,
        403,
        'LOOPBACK_ONLY',
        'The console answers only loopback clients while no API token is configured.',
      );
    }
    return reply.redirect(`/console/sign-in?next=${encodeURIComponent(request.url)}`, 303);
  };

/** The error page: what was refused and why. */
export const refuse = (reply: FastifyReply, status: number, code: string, reason: string) =>
  reply.code(status).view('error', { title: 'Refused', user: null, nav: [], code, reason });

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

/** Renders a page for the signed-in person, with what every page shows. */
export const renderPage = (
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
) => {
  const user = userOf(request);
  const notice = (request.query as { notice?: string } | undefined)?.notice;
  const path = request.url.split('?')[0] ?? '';
  return reply.header('cache-control', 'no-store').view(template, {
    ...data,
    user,
    canOperate: user.role === 'operate',
    needsSignIn: context.sessions.needsSignIn,
    csrfToken: reply.generateCsrf(),
    nav: pages.map((entry) => ({
      ...entry,
      current:
        entry.path === '/console'
          ? ['/console', '/console/'].includes(path)
          : request.url.startsWith(entry.path),
    })),
    notice: notice === undefined ? null : (notices[notice] ?? null),
    providers: context.useCases.providers,
    fulfilmentOff: !context.fulfilmentOn,
    differenceInWords,
  });
};

/** The query string without empty fields (a form submits blank inputs as ``). */
export const queryOf = (query: unknown, drop: readonly string[] = []): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && value !== '' && !drop.includes(name)) {
      params.set(name, value);
    }
  }
  return params;
};

/** A form's fields (a browser sends strings), with the ones left blank dropped. */
export const formFields = (body: unknown, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    names.flatMap((name) => {
      const value = (body as Record<string, unknown> | undefined)?.[name];
      return typeof value === 'string' && value !== '' ? [[name, value]] : [];
    }),
  );

/**
 * An instant as a person types it (`2026-11-24 10:00`, with seconds, or a `T` for the space: read
 * as UTC, 24-hour), or any ISO-8601 instant with a zone, as the use cases take it.
 */
export const asOfInstant = (input: string): string => {
  // A person types a space where ISO-8601 has a T: both read the same.
  const value = input.trim().replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)
    ? `${value}:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)
      ? `${value}Z`
      : value;
};

/** Where to go back to after an action: a console page the form named, else `fallback`. */
export const backTo = (body: unknown, fallback: string, notice: string): string => {
  const back = (body as Record<string, unknown> | undefined)?.['back'];
  const target = typeof back === 'string' && back.startsWith('/console/') ? back : fallback;
  return `${target}${target.includes('?') ? '&' : '?'}notice=${notice}`;
};
