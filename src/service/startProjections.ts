import type { Logger } from 'pino';
import { startProjectionThread } from '../adapters/projectionThread/projectionThread.js';
import type { Config } from '../config.js';
import { packageVersion } from '../packageVersion.js';
import { recordProjected } from '../adapters/telemetry/index.js';
import {
  createProjectionRunner,
  createProjections,
  type HasStatusEndpoint,
  type ProjectionStatus,
} from '../projections/index.js';
import type { ReadModelQueries } from '../domain/ports/index.js';
import type { Storage } from './openStorage.js';
import type { RoleWork } from './roleKeeper.js';

/** The running projections, wherever they run. */
export type Projections = Readonly<{
  status: () => ProjectionStatus[];
  /** Asks the projections to read the log now: something was just appended here. */
  nudge: () => void;
  /** Files whose background checkpoints fail (a full disk); none on EventStoreDB. */
  storageErrors: () => readonly Readonly<{ file: string; error: string }>[];
  stop: () => Promise<void>;
}>;

/**
 * On the embedded store, projections run on their own thread with their own connections, so
 * projecting never takes the event loop that serves webhooks (and that thread backfills the
 * WALs); on EventStoreDB they run here, on the client's subscription.
 */
export const startProjections = (
  config: Config,
  {
    storage,
    hasStatusEndpoint,
    logger,
  }: Readonly<{ storage: Storage; hasStatusEndpoint: HasStatusEndpoint; logger: Logger }>,
): Projections => {
  if (config.eventStore.kind === 'sqlite') {
    return startProjectionThread({
      eventStorePath: config.eventStore.path,
      readModelPath: config.storage.readModels,
      ...(storage.backfilledElsewhere ? { serviceDatabasePath: config.storage.service } : {}),
      ...(storage.eventLogBacklog === null ? {} : { eventLogBacklog: storage.eventLogBacklog }),
      pollIntervalMs: 20,
      providersWithoutStatusEndpoint: config.providers
        .map((provider) => provider.name)
        .filter((provider) => !hasStatusEndpoint(provider)),
      plantRefundsDropped: config.failpoints.includes('drop-refund-from-report'),
      ...(config.tracing ? { tracing: { version: packageVersion() } } : {}),
      onProjectionError: (projection, reason) => {
        logger.warn({ projection, reason }, 'projection failed; restarting it from its checkpoint');
      },
      onError: (err) => {
        logger.error({ err }, 'the projection thread failed; restarting it from its checkpoints');
      },
    });
  }
  const runner = createProjectionRunner({
    eventStore: storage.eventStore,
    readModels: storage.readModels,
    projections: createProjections(hasStatusEndpoint, {
      plantRefundsDropped: config.failpoints.includes('drop-refund-from-report'),
    }),
    onError: (name, err) => {
      logger.error({ err, projection: name }, 'projection failed; restarting from its checkpoint');
    },
    ...(config.tracing ? { onApplied: recordProjected } : {}),
  });
  runner.start();
  // On EventStoreDB the subscription is pushed every append: nothing to nudge.
  return { status: runner.status, stop: runner.stop, storageErrors: () => [], nudge: () => {} };
};

/**
 * The embedded store's projections as a role: processes sharing one data directory share its
 * read models, which one projection thread writes (two would move each other's checkpoints).
 * The holder runs the thread; every other process answers from the checkpoints the holder
 * writes, as running elsewhere. On EventStoreDB each process keeps read models of its own, so
 * its projections are no role: the caller starts them at once.
 */
export const projectionsAsRole = ({
  startHere,
  readModels,
  names,
}: Readonly<{
  startHere: () => Projections;
  readModels: Pick<ReadModelQueries, 'checkpointOf'>;
  names: readonly string[];
}>): Readonly<{ projections: Projections; work: RoleWork }> => {
  let here: Projections | null = null;
  const projections: Projections = {
    status: () =>
      here?.status() ??
      names.map((name) => ({
        name,
        running: true,
        position: readModels.checkpointOf(name) ?? 0n,
        appliedAt: 0,
        error: null,
      })),
    storageErrors: () => here?.storageErrors() ?? [],
    nudge: () => here?.nudge(),
    stop: async () => {
      const stopping = here;
      here = null;
      await stopping?.stop();
    },
  };
  return {
    projections,
    work: {
      start: () => {
        here ??= startHere();
      },
      stop: projections.stop,
    },
  };
};
