import { decide } from './decidePayment.js';
import type { PaymentCommand } from './paymentCommands.js';
import type { PaymentEvent } from './paymentEvents.js';
import { evolve, initialState, type PaymentState } from './paymentState.js';

/** A decider: the three pure functions an event-sourced aggregate is made of. */
export type Decider<Command, Event, State> = Readonly<{
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}>;

/** The payment state machine as a decider: `decide`, `evolve` and `initialState`, all pure. */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  decide,
  evolve,
  initialState,
};
