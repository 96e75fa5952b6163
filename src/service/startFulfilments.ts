import type { Logger } from 'pino';
import { createFulfilmentSender } from '../adapters/fulfilment/fulfilmentSender.js';
import { tracedSender } from './tracedWrites.js';
import type { PaymentCommandHandler } from '../application/index.js';
import type { Config } from '../config.js';
import type { Clock, SendOutcome } from '../domain/ports/index.js';
import { createFailpoints } from '../failpoints.js';
import { createFulfilmentDispatcher, type FulfilmentDispatcher } from '../processors/index.js';
import { fulfilmentsProjection, storedFulfilment } from '../projections/index.js';
import type { Storage } from './openStorage.js';

/**
 * The fulfilment dispatcher when `PAYREC_FULFILMENT_URL` is set, otherwise `null`; not started:
 * it is a role (one process at a time sends, so no notification goes out twice).
 */
export const startFulfilments = (
  config: Config,
  {
    storage,
    handlePaymentCommand,
    clock,
    logger,
    onAttempt,
  }: Readonly<{
    storage: Storage;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    logger: Logger;
    onAttempt: (outcome: SendOutcome['kind']) => void;
  }>,
): FulfilmentDispatcher | null => {
  if (config.fulfilment === null) return null;
  const { readModels, eventStore } = storage;
  const send = createFulfilmentSender({
    url: config.fulfilment.url,
    secret: config.fulfilment.secret,
    timeoutMs: config.fulfilment.timeoutMs,
  });
  const dispatcher = createFulfilmentDispatcher({
    dueIds: (dueBy, limit) =>
      readModels.due(fulfilmentsProjection.name, { dueBy, limit }).map((row) => row.id),
    load: (id) => storedFulfilment(readModels.get(fulfilmentsProjection.name, id), id),
    eventStore,
    handlePaymentCommand,
    send: config.tracing ? tracedSender(send) : send,
    retry: config.fulfilment.retry,
    clock,
    logger,
    failpoints: createFailpoints(config.failpoints),
    onAttempt,
  });
  return dispatcher;
};
