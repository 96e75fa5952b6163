import { inspect } from 'node:util';

const redacted = '[redacted]';

/**
 * A secret from the configuration. It prints, serialises and inspects as `[redacted]`, so it
 * cannot reach a log, an error or an event by accident; `reveal()` is the one way to its value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the one place that needs it (a signature check, an auth header). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return redacted;
  }

  toJSON(): string {
    return redacted;
  }

  [inspect.custom](): string {
    return redacted;
  }
}
