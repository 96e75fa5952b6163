import { expect } from 'vitest';
import type { Decider } from '../../src/domain/index.js';

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
