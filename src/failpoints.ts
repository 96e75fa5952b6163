/**
 * Crash points for the fulfilment crash tests (FreeBSD's and TiKV's fail points, in miniature):
 * named places where payrec kills its own process with SIGKILL when `PAYREC_FAILPOINTS` names
 * them, so a test can prove what survives a crash exactly there. Never set in production.
 */
export const failpointNames = [
  /** The fulfilment is in the read model; the POST has not been made. */
  'fulfilment-before-call',
  /** The receiver answered 2xx; `FulfilmentDelivered` has not been appended. */
  'fulfilment-after-call',
  /**
   * Accepted deliveries are durable in the event log and answered; their delivery-log entries are
   * about to be written.
   */
  'delivery-log-before-write',
] as const;

export type FailpointName = (typeof failpointNames)[number];

export type Failpoints = Readonly<{ hit: (name: FailpointName) => void }>;

/** Fail points that crash the process at the named places, and nowhere else. */
export const createFailpoints = (enabled: readonly FailpointName[]): Failpoints => {
  const armed = new Set(enabled);
  return {
    hit: (name) => {
      if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
    },
  };
};
