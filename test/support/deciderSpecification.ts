import { expect } from 'vitest';

/** A decider: the three pure functions an event-sourced aggregate is made of (emmett's shape). */
export type Decider<Command, Event, State> = Readonly<{
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}>;

/**
 * Given past events, when a command, then the expected events, nothing, or a throw: a small
 * helper of the shape of emmett's `DeciderSpecification`.
 */
export const deciderSpecification = <Command, Event, State>(
  decider: Decider<Command, Event, State>,
) => ({
  given: (...past: Event[]) => ({
    when: (command: Command) => {
      const run = (): Event[] => {
        const state = past.reduce(decider.evolve, decider.initialState());
        return decider.decide(command, state);
      };
      return {
        then: (...expected: Event[]) => {
          expect(run()).toEqual(expected);
        },
        thenNothingHappened: () => {
          expect(run()).toEqual([]);
        },
        thenThrows: (matcher?: RegExp) => {
          expect(run).toThrow(matcher);
        },
        /** For specifications that check only part of what was decided. */
        events: run,
      };
    },
  }),
});
