import type { Clock } from '../domain/ports/index.js';

/** The machine's clock: the one `Clock` that reads the time, for the service and the commands. */
export const systemClock: Clock = { now: () => new Date() };
