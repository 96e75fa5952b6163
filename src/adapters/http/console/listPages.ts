import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseInput, type ListQueries } from '../../../application/index.js';
import { matchingInWords, type Matching } from '../../../application/documentPage.js';
import { discrepancyKinds } from '../../../projections/index.js';
import { tabularFormats } from '../../common/tabular.js';
import { answerOf, queryOf, renderPage, type ConsoleContext } from './consolePage.js';

type Page = Readonly<{ items: readonly unknown[]; nextCursor: string | null; matching?: Matching }>;

/**
 * A list page: the filters the person chose (blank ones dropped) parsed with the list's own
 * query, the use case's page (or its refusal, shown inline), the link to the next page with the
 * same filters, and the downloads of everything that matches.
 */
const listPage =
  <Name extends keyof ListQueries>(
    context: ConsoleContext,
    name: Name,
    run: (query: z.output<ListQueries[Name]>) => Page,
    view: Readonly<{
      template: string;
      title: string;
      extra?: Record<string, unknown>;
      /** What the list is of, singular and plural, for "12 of 6,399 payments". */
      noun?: readonly [string, string];
      /** Filters a person gets unless they chose otherwise (payments: the newest first). */
      defaults?: Readonly<Record<string, string>>;
    }>,
  ) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
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
    return renderPage(context, request, reply, view.template, {
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
  };

/** The console's four lists: payments, discrepancies, fulfilments and deliveries. */
export const listPages = (context: ConsoleContext) => async (scope: FastifyInstance) => {
  const { payments, discrepancies, fulfilments, deliveries } = context.useCases;
  const hidden = { schema: { hide: true } };
  scope.get(
    '/payments',
    hidden,
    listPage(context, 'payments', payments.search, {
      template: 'payments',
      title: 'Payments',
      noun: ['payment', 'payments'],
      defaults: { order: 'desc' },
    }),
  );
  scope.get(
    '/discrepancies',
    hidden,
    listPage(context, 'discrepancies', discrepancies.list, {
      template: 'discrepancies',
      title: 'Discrepancies',
      extra: { kinds: discrepancyKinds },
      noun: ['discrepancy', 'discrepancies'],
    }),
  );
  scope.get(
    '/fulfilments',
    hidden,
    listPage(context, 'fulfilments', fulfilments.list, {
      template: 'fulfilments',
      title: 'Fulfilments',
      noun: ['notification', 'notifications'],
    }),
  );
  scope.get(
    '/deliveries',
    hidden,
    listPage(context, 'deliveries', deliveries.list, {
      template: 'deliveries',
      title: 'Deliveries',
    }),
  );
  return Promise.resolve();
};
