import type { FinanceFigures } from '../../application/financeFigures.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProjectionStatus } from '../../projections/index.js';

/** The scheduled backups as the metrics show them; `null` where there is nothing to say yet. */
export type BackupFigures = Readonly<{
  lastSuccessSeconds: number | null;
  lastDurationSeconds: number | null;
  lastBytes: number | null;
  kept: number;
  running: boolean;
}>;

export type ServiceMetricsOptions = Readonly<{
  /** The projections' last reported status, read on every scrape. */
  projections: () => readonly ProjectionStatus[];
  /** How many events the log holds after a position, when the store can tell (event store port). */
  eventsAfter: (position: bigint) => Promise<number | null>;
  /** Payments whose status check is due now (from the read model's index, off the event loop). */
  paymentsDue?: () => Promise<number>;
  /** Payments still pending, per provider. */
  paymentsOpen?: () => Record<string, number>;
  /** What finance and operators alert on, read from the read models on every scrape. */
  finance?: () => FinanceFigures;
  /** Which stores' writes are failing now (a full disk), and what the delivery log holds back. */
  storage?: () => Readonly<{
    failing: Readonly<Record<'event_log' | 'delivery_log' | 'checkpoints', boolean>>;
    deliveryLogQueued: number;
  }>;
}>;

/**
 * payrec's Prometheus metrics, in a registry of their own (no process-wide singleton):
 * deliveries by provider and outcome, and each projection's position, lag behind the log and
 * time since it last applied anything, plus Node's default process metrics.
 */
/* eslint-disable max-lines-per-function -- the metric declarations over one registry, read one metric at a time */
export const createServiceMetrics = ({
  projections,
  eventsAfter,
  paymentsDue,
  paymentsOpen,
  storage,
  finance,
}: ServiceMetricsOptions) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'payrec_' });
  const deliveries = new Counter({
    name: 'payrec_webhook_deliveries_total',
    help: 'Webhook deliveries by provider and outcome (accepted, repeated, rejected) and rejection code.',
    labelNames: ['provider', 'outcome', 'code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'payrec_projection_position',
    help: 'Global log position of the last event each projection applied.',
    labelNames: ['projection'] as const,
    registers: [registry],
    collect() {
      for (const status of projections())
        this.set({ projection: status.name }, Number(status.position));
    },
  });
  new Gauge({
    name: 'payrec_projection_running',
    help: '1 while a projection runs, 0 when it has stopped or failed.',
    labelNames: ['projection'] as const,
    registers: [registry],
    collect() {
      for (const status of projections())
        this.set({ projection: status.name }, status.running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'payrec_projection_lag_events',
    help: 'How many events each projection is behind the head of the event log (absent when the store cannot tell).',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      for (const status of projections()) {
        const behind = await eventsAfter(status.position);
        if (behind !== null) this.set({ projection: status.name }, behind);
      }
    },
  });
  const fulfilmentAttempts = new Counter({
    name: 'payrec_fulfilment_attempts_total',
    help: 'Fulfilment notification attempts by outcome (delivered: a 2xx; failed: anything else).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const statusCalls = new Counter({
    name: 'payrec_status_calls_total',
    help: "Calls to providers' status APIs by outcome: ok (a readable status code), retryable (408/429/5xx), transport (timeout, refused).",
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const statusLatency = new Histogram({
    name: 'payrec_status_call_duration_seconds',
    help: "Latency of calls to providers' status APIs.",
    labelNames: ['provider'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const checks = new Counter({
    name: 'payrec_reconcile_checks_total',
    help: 'Status checks by what they did: moved (a missing state filled in), corrected (a wrong one replaced), unchanged, unreadable (kept as evidence), unavailable (stays due), flagged-overdue, not-configured.',
    labelNames: ['provider', 'result'] as const,
    registers: [registry],
  });
  if (paymentsDue) {
    new Gauge({
      name: 'payrec_reconcile_payments_due',
      help: 'Payments whose status check is due now.',
      registers: [registry],
      async collect() {
        this.set(await paymentsDue());
      },
    });
  }
  if (paymentsOpen) {
    new Gauge({
      name: 'payrec_payments_open',
      help: 'Payments still pending, per provider.',
      labelNames: ['provider'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [provider, count] of Object.entries(paymentsOpen()))
          this.set({ provider }, count);
      },
    });
  }
  if (finance) {
    // One read of the figures per scrape, shared by the four metrics below.
    let figures: FinanceFigures | null = null;
    const current = () => (figures ??= finance());
    new Gauge({
      name: 'payrec_discrepancies_open',
      help: 'Discrepancies not yet resolved (open or acknowledged), by kind and age bucket.',
      labelNames: ['kind', 'age'] as const,
      registers: [registry],
      collect() {
        figures = null;
        this.reset();
        for (const { kind, age, count } of current().openDiscrepancies)
          this.set({ kind, age }, count);
      },
    });
    new Gauge({
      name: 'payrec_fulfilments_exhausted',
      help: 'Fulfilment notifications whose retry budget ran out: each needs an operator to re-drive it.',
      registers: [registry],
      collect() {
        this.set(current().exhaustedFulfilments);
      },
    });
    new Gauge({
      name: 'payrec_reconcile_oldest_due_seconds',
      help: 'How long the longest-waiting due status check has been due (0 when none is).',
      registers: [registry],
      collect() {
        this.set(current().oldestOverdueCheckSeconds);
      },
    });
    new Counter({
      name: 'payrec_contradicted_hints_total',
      help: 'Hints (unsigned KryptoGO callbacks, KKiaPay deliveries) whose claim the status endpoint denied: forgeries or a leaked secret.',
      registers: [registry],
      collect() {
        // Counted from the discrepancies read model, which never forgets one: monotonic.
        this.reset();
        this.inc(current().contradictedHints);
      },
    });
  }
  if (storage) {
    new Gauge({
      name: 'payrec_storage_write_failing',
      help: 'Whether writes to a store are failing now (1), e.g. on a full disk; payrec retries by itself.',
      labelNames: ['store'] as const,
      registers: [registry],
      collect() {
        for (const [store, failing] of Object.entries(storage().failing))
          this.set({ store }, failing ? 1 : 0);
      },
    });
    new Gauge({
      name: 'payrec_delivery_log_queued',
      help: 'Delivery-log entries waiting to be written (they pile up while its writes fail).',
      registers: [registry],
      collect() {
        this.set(storage().deliveryLogQueued);
      },
    });
  }
  let roles: () => ReadonlyArray<Readonly<{ role: string; held: boolean }>> = () => [];
  new Gauge({
    name: 'payrec_role_held',
    help: 'Work that runs once across every process on the store: 1 on the process that holds the role, 0 on the others.',
    labelNames: ['role'] as const,
    registers: [registry],
    collect() {
      for (const { role, held } of roles()) this.set({ role }, held ? 1 : 0);
    },
  });
  let backups: (() => BackupFigures) | null = null;
  const backupGauge = (
    name: string,
    help: string,
    read: (figures: BackupFigures) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        const figures = backups?.();
        const value = figures === undefined ? null : read(figures);
        if (value !== null) this.set(value);
      },
    });
  backupGauge(
    'payrec_backup_last_success_timestamp_seconds',
    'When the newest whole backup in PAYREC_BACKUP_DIR finished (Unix seconds); 0 before the first, so that an alert on its age fires.',
    (figures) => figures.lastSuccessSeconds,
  );
  backupGauge(
    'payrec_backup_last_duration_seconds',
    'How long the newest whole backup took.',
    (figures) => figures.lastDurationSeconds,
  );
  backupGauge(
    'payrec_backup_last_size_bytes',
    'The size of the newest whole backup, every file together.',
    (figures) => figures.lastBytes,
  );
  backupGauge(
    'payrec_backups_kept',
    'Whole backups in PAYREC_BACKUP_DIR.',
    (figures) => figures.kept,
  );
  backupGauge(
    'payrec_backup_running',
    '1 while this process takes a scheduled backup.',
    (figures) => (figures.running ? 1 : 0),
  );
  const backupFailures = new Counter({
    name: 'payrec_backup_failures_total',
    help: 'Scheduled backups of this process that failed (the log says why; the next tick tries again).',
    registers: [registry],
  });
  return {
    registry,
    /** Where the backup metrics read the scheduled backups (when they are configured). */
    watchBackups: (source: () => BackupFigures) => {
      backups = source;
      backupFailures.inc(0);
    },
    recordBackupFailure: () => {
      backupFailures.inc();
    },
    /** Where `payrec_role_held` reads the roles (the role keeper, once it exists). */
    watchRoles: (
      source: Readonly<{ status: () => ReadonlyArray<Readonly<{ role: string; held: boolean }>> }>,
    ) => {
      roles = source.status;
    },
    recordStatusCall: (provider: string, outcome: string, seconds: number) => {
      statusCalls.inc({ provider, outcome });
      statusLatency.observe({ provider }, seconds);
    },
    recordCheck: (provider: string, result: string) => {
      checks.inc({ provider, result });
    },
    recordFulfilmentAttempt: (outcome: 'delivered' | 'failed') => {
      fulfilmentAttempts.inc({ outcome });
    },
    recordDelivery: (
      provider: string,
      outcome: 'accepted' | 'repeated' | 'rejected',
      code: string | null,
    ) => {
      deliveries.inc({ provider, outcome, code: code ?? '' });
    },
  };
};
/* eslint-enable max-lines-per-function */

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;
