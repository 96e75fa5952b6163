import type { FastifyInstance } from 'fastify';
import { deliveryChart } from './deliveryChart.js';
import { renderPage, type ConsoleContext } from './consolePage.js';

/** The overview (docs/console.md): the figures an operator starts the day with. */
export const overviewPage = (context: ConsoleContext) => async (scope: FastifyInstance) => {
  scope.get('/', { schema: { hide: true } }, async (request, reply) => {
    const figures = await context.overview(context.useCases.now());
    return renderPage(context, request, reply, 'overview', {
      title: 'Overview',
      figures,
      chart: deliveryChart(figures.deliveries),
    });
  });
  return Promise.resolve();
};
