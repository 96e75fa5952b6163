import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  acknowledgementSchema,
  bulkRedriveSchemaFor,
  deliveryIdSchema,
  parseInput,
  paymentIdSchemaFor,
  resolutionSchema,
  webhookIdSchema,
} from '../../../application/index.js';
import {
  asOfInstant,
  backTo,
  formFields,
  renderPage,
  userOf,
  type ConsoleContext,
} from './consolePage.js';

/**
 * The console's actions, each a form posted with its CSRF token and handed to the same use case
 * the API calls, as the signed-in person; the use case's refusal (a read-only person, a field it
 * would not take, a discrepancy already resolved) is the page's.
 */
export const actionForms = (context: ConsoleContext) => async (scope: FastifyInstance) => {
  const { discrepancies, fulfilments, deliveries, providers } = context.useCases;
  const acting = {
    schema: { hide: true },
    preHandler: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      scope.csrfProtection(request, reply, done);
    },
  };
  const paymentId = paymentIdSchemaFor(providers);

  scope.post('/discrepancies/:id/acknowledge', acting, async (request, reply) => {
    const { id } = request.params as { id: string };
    const form = parseInput(acknowledgementSchema, formFields(request.body, ['note']), 'body');
    await discrepancies.acknowledge(userOf(request), id, form);
    return reply.redirect(backTo(request.body, '/console/discrepancies', 'acknowledged'), 303);
  });

  scope.post('/discrepancies/:id/resolve', acting, async (request, reply) => {
    const { id } = request.params as { id: string };
    const form = parseInput(
      resolutionSchema,
      formFields(request.body, ['resolution', 'note']),
      'body',
    );
    await discrepancies.resolve(userOf(request), id, form);
    return reply.redirect(backTo(request.body, '/console/discrepancies', 'resolved'), 303);
  });

  // Bulk re-drive: the first post previews (the count), the confirmation acts.
  const bulkSchema = bulkRedriveSchemaFor(providers);
  scope.post('/fulfilments/redrive', acting, async (request, reply) => {
    const fields = formFields(request.body, ['reason', 'provider', 'exhaustedBefore', 'confirm']);
    const asked = {
      ...fields,
      ...(fields['exhaustedBefore'] === undefined
        ? {}
        : { exhaustedBefore: asOfInstant(fields['exhaustedBefore']) }),
      ...(fields['confirm'] === undefined ? {} : { confirm: fields['confirm'] === 'yes' }),
    };
    const result = await fulfilments.redriveExhausted(
      userOf(request),
      parseInput(bulkSchema, asked, 'body'),
    );
    return renderPage(context, request, reply, 'redrive', {
      title: result.preview ? 'Re-drive: preview' : 'Re-drive: done',
      form: { ...asked, exhaustedBefore: fields['exhaustedBefore'] ?? '' },
      result,
    });
  });

  scope.post(
    '/payments/:provider/:ref/fulfilments/:webhookId/redrive',
    acting,
    async (request, reply) => {
      const { provider, ref, webhookId } = request.params as Record<string, string>;
      const payment = parseInput(paymentId, { provider, ref }, 'query');
      await fulfilments.redrive(
        userOf(request),
        payment,
        parseInput(webhookIdSchema, webhookId, 'query'),
      );
      const path = `/payments/${encodeURIComponent(payment.provider)}/${encodeURIComponent(payment.ref)}`;
      return reply.redirect(`/console${path}?notice=redriven`, 303);
    },
  );

  // Replay: a dry run first; it is applied only when the person confirms.
  scope.post('/deliveries/:id/replay', acting, async (request, reply) => {
    const { id } = request.params as { id: string };
    const apply = formFields(request.body, ['apply'])['apply'] === 'yes';
    const result = await deliveries.replay(
      userOf(request),
      parseInput(deliveryIdSchema, id, 'query'),
      apply,
    );
    return renderPage(context, request, reply, 'replay', {
      title: apply ? 'Replay: applied' : 'Replay: dry run',
      id,
      apply,
      result,
    });
  });
  return Promise.resolve();
};
