export { createPaymentCommandHandler } from './handlePaymentCommand.js';
export type {
  HandledPaymentCommand,
  PaymentCommandHandler,
  PaymentCommandHandlerOptions,
} from './handlePaymentCommand.js';
export { paymentEventId, toNewEvent, toPaymentEvent } from './paymentEventCodec.js';
