/** The current instant. Injected everywhere so tests can pin time. */
export type Clock = Readonly<{ now: () => Date }>;
