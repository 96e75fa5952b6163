import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createSqliteLease } from '../adapters/readModels/sqliteLease.js';
import type { PaymentCommandHandler } from '../application/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/ports/index.js';
import {
  createReconciler,
  paymentsDue,
  type CheckResult,
  type Reconciler,
} from '../processors/index.js';
import type { ProviderName } from '../domain/index.js';
import type { Storage } from './openStorage.js';
import { createFailpoints } from '../failpoints.js';
import type { StatusEndpoints } from './statusEndpoints.js';

/** The lease in the service database that lets one reconciliation cycle run at a time. */
export const reconcileCycleLease = 'reconcile-cycle';

/** The process that runs the cycle, from a holder of the lease. */
export const cycleHolderName = (holder: string): string => holder.split(' ')[0] ?? holder;

/**
 * The reconciler of a service or of `payrec reconcile --once`: the providers' status clients,
 * the payments read model's due index, and a lease in the service database so that one cycle
 * runs at a time across processes on one data directory.
 */
export const createServiceReconciler = (
  config: Config,
  {
    storage,
    statusEndpoints,
    handlePaymentCommand,
    clock,
    logger,
    onCheck,
  }: Readonly<{
    storage: Storage;
    statusEndpoints: StatusEndpoints;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    logger: Logger;
    onCheck?: (provider: ProviderName, result: CheckResult) => void;
  }>,
): Reconciler => {
  const due = paymentsDue(storage.readModels);
  return createReconciler({
    selectDue: due.selectDue,
    objectOf: due.objectOf,
    statusCheckOf: statusEndpoints.statusCheckOf,
    handlePaymentCommand,
    clock,
    logger,
    lock: createSqliteLease(storage.serviceDb, {
      name: reconcileCycleLease,
      // The process's name first, for `payrec reconcile --once` to say who runs the cycle.
      holder: `${config.instanceId} ${randomUUID()}`,
      // As long as a role's lease: a holder paused mid-cycle holds up the next one no longer
      // than it holds up the role itself.
      ttlMs: config.leaseTtlMs,
    }),
    lockRenewMs: Math.max(500, Math.floor(config.leaseTtlMs / 3)),
    batch: config.reconciliation.batch,
    failpoints: createFailpoints(config.failpoints),
    ...(onCheck ? { onCheck } : {}),
  });
};
