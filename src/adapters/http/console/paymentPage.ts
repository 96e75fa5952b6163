import type { FastifyInstance } from 'fastify';
import {
  isoInstant,
  paymentIdSchemaFor,
  parseInput,
  type PaymentView,
} from '../../../application/index.js';
import { operatorResolutions, paymentKey } from '../../../domain/index.js';
import { publicDiscrepancyId } from '../../../projections/index.js';
import { answerOf, asOfInstant, renderPage, type ConsoleContext } from './consolePage.js';

/**
 * A payment's page: its state (folded from its stream as of now, unless a moment is asked, so
 * that right after an action the page shows its effect, which the read model may not hold yet),
 * its open discrepancies with their forms, its fulfilments and its audit trail.
 */
export const paymentPage = (context: ConsoleContext) => async (scope: FastifyInstance) => {
  const { payments, providers, now } = context.useCases;
  const idSchema = paymentIdSchemaFor(providers);
  scope.get('/payments/:provider/:ref', { schema: { hide: true } }, async (request, reply) => {
    const { provider, ref } = request.params as { provider: string; ref: string };
    const path = `/payments/${encodeURIComponent(provider)}/${encodeURIComponent(ref)}`;
    const asOfInput = (request.query as { asOf?: string }).asOf ?? '';
    const asOf = asOfInput === '' ? null : asOfInstant(asOfInput);
    const payment = await answerOf(() =>
      payments.show(
        parseInput(idSchema, { provider, ref }, 'query'),
        parseInput(isoInstant, asOf ?? now().toISOString(), 'query'),
      ),
    );
    const trail = await answerOf(() =>
      payments.trail(parseInput(idSchema, { provider, ref }, 'query')),
    );
    const id = { provider, ref };
    const discrepancies =
      payment.status === 200
        ? (payment.body as PaymentView).discrepancies.map((discrepancy) => ({
            ...discrepancy,
            publicId: publicDiscrepancyId(id, discrepancy.id),
          }))
        : [];
    return renderPage(context, request, reply, 'payment', {
      title: `${provider} ${ref}`,
      key: paymentKey(id),
      path,
      asOf,
      asOfInput: asOf === null ? '' : asOf.slice(0, 19).replace('T', ' '),
      payment,
      trail,
      discrepancies,
      resolutions: operatorResolutions,
    });
  });
  return Promise.resolve();
};
