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

/**
 * Planted bugs for the whole-system simulation (`npm run sim -- --plant NAME`): each breaks one
 * promise on purpose, so a run that does not fail on it proves its checker blind. Inert unless
 * `PAYREC_FAILPOINTS` names one; never set in production.
 */
export const plantNames = [
  /** One delivery in sixteen is answered 200 and never recorded. */
  'lose-ack',
  /** A fulfilment's retry goes out under a new `webhook-id`. */
  'double-fulfil',
  /** The reconciler records nothing the status endpoints answer: payrec's state stands. */
  'ignore-provider-truth',
  /** The settlement projection skips refunds: a refunded payment stays a success in the report. */
  'drop-refund-from-report',
] as const;

export type FailpointName = (typeof failpointNames)[number];
export type PlantName = (typeof plantNames)[number];

export type Failpoints = Readonly<{
  hit: (name: FailpointName) => void;
  /** Whether a planted bug is switched on. */
  planted: (name: PlantName) => boolean;
}>;

/** Fail points that crash the process at the named places, and plants that are on when named. */
export const createFailpoints = (enabled: readonly (FailpointName | PlantName)[]): Failpoints => {
  const armed = new Set<string>(enabled);
  return {
    hit: (name) => {
      if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
    },
    planted: (name) => armed.has(name),
  };
};

/** No fail point armed, no plant on: what every caller outside the tests has. */
export const noFailpoints: Failpoints = createFailpoints([]);
