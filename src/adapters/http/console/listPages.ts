import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseInput, type ListQueries } from '../../../application/index.js';
import { matchingInWords, type Matching } from '../../../application/documentPage.js';
import { discrepancyKinds } from '../../../projections/index.js';
import { tabularFormats } from '../../common/tabular.js';
import { answerOf, queryOf, renderPage, type ConsoleContext } from './consolePage.js';

type Page = Readonly<{ items: readonly unknown[]; nextCursor: string | null; matching?: Matching }>;

/**
 * A list page at `/console/{name}`, drawn by the template of that name: the filters the person
 * chose (blank ones dropped) parsed with the list's own query, the use case's page (or its
 * refusal, shown inline), the link to the next page with the same filters, and the downloads of
 * everything that matches.
 */
const listPage = <Name extends keyof ListQueries>(
  context: ConsoleContext,
  name: Name,
  run: (query: z.output<ListQueries[Name]>) => Page,
  view: Readonly<{
    title: string;
    extra?: Record<string, unknown>;
    /** What the list is of, singular and plural, for "12 of 6,399 payments". */
    noun?: readonly [string, string];
    /** Filters a person gets unless they chose otherwise (payments: the newest first). */
    defaults?: Readonly<Record<string, string>>;
  }>,
) => ({
  name,
  handler: async (request: FastifyRequest, reply: FastifyReply) => {
    const chosen = queryOf(request.query, ['notice']);
    const filters = new Map([...Object.entries(view.defaults ?? {}), ...chosen]);
    const query: ListQueries[Name] = context.useCases.lists[name];
    const answer = await answerOf(() =>
      run(parseInput(query, Object.fromEntries(filters), 'query') as z.output<ListQueries[Name]>),
    );
    const next =
      answer.status === 200 && 'nextCursor' in answer.body && answer.body.nextCursor !== null
        ? `/console/${name}?${new URLSearchParams({ ...Object.fromEntries(filters), cursor: answer.body.nextCursor }).toString()}`
        : null;
    const exportFilters = queryOf(request.query, ['notice', 'cursor', 'limit', 'order']);
    const page = answer.status === 200 && 'items' in answer.body ? answer.body : null;
    const matching = page?.matching ?? null;
    const [singular, plural] = view.noun ?? ['row', 'rows'];
    return renderPage(context, request, reply, name, {
      title: view.title,
      // "50 of 6,399 payments", said beside the first row and above the next page's link.
      shown:
        page === null || matching === null
          ? null
          : `${page.items.length.toLocaleString('en-US')} of ${matchingInWords(matching, singular, plural)}`,
      filters: Object.fromEntries(filters),
      answer,
      next,
      exports: tabularFormats.map((format) => ({
        format,
        href: `/console/exports/${name}?${new URLSearchParams({ ...Object.fromEntries(exportFilters), format }).toString()}`,
      })),
      ...view.extra,
    });
  },
});

/** The console's four lists: payments, discrepancies, fulfilments and deliveries. */
export const listPages = (context: ConsoleContext) => async (scope: FastifyInstance) => {
  const { payments, discrepancies, fulfilments, deliveries } = context.useCases;
  const pages = [
    listPage(context, 'payments', payments.search, {
      title: 'Payments',
      noun: ['payment', 'payments'],
      defaults: { order: 'desc' },
    }),
    listPage(context, 'discrepancies', discrepancies.list, {
      title: 'Discrepancies',
      extra: { kinds: discrepancyKinds },
      noun: ['discrepancy', 'discrepancies'],
    }),
    listPage(context, 'fulfilments', fulfilments.list, {
      title: 'Fulfilments',
      noun: ['notification', 'notifications'],
    }),
    listPage(context, 'deliveries', deliveries.list, { title: 'Deliveries' }),
  ];
  for (const { name, handler } of pages) scope.get(`/${name}`, { schema: { hide: true } }, handler);
  return Promise.resolve();
};
