import { join } from 'node:path';
import { createTask } from 'node-cron';
import type { Logger } from 'pino';
import { backupNameAt, newestBackup, pruneBackups } from '../adapters/backup/index.js';
import type { BackupScheduleConfig, Config } from '../config.js';
import type { Clock } from '../domain/ports/index.js';
import { backUpStore } from './backupFiles.js';
import type { RoleWork } from './roleKeeper.js';

/** What the scheduled backups look like, for `/metrics` and the console's overview. */
export type BackupStatus = Readonly<{
  /** Where they go, and how many are kept. */
  dir: string;
  keep: number;
  /** The newest whole backup in the directory (whichever process took it). */
  last: Readonly<{
    name: string;
    finishedAt: string;
    tookMs: number;
    bytes: number;
    events: number | null;
  }> | null;
  /** Whole backups in the directory. */
  kept: number;
  /** Failures of this process's scheduled backups since it started, and the last one. */
  failures: number;
  lastFailure: Readonly<{ at: string; reason: string }> | null;
  /** Whether this process is taking one now. */
  running: boolean;
}>;

export type ScheduledBackups = RoleWork &
  Readonly<{
    status: () => BackupStatus;
    /** Takes one now, as a tick would (tests; an operator's command goes through `payrec backup`). */
    runOnce: () => Promise<void>;
  }>;

/**
 * Scheduled backups inside `payrec serve`: one per tick of `PAYREC_BACKUP_CRON` into a new
 * directory of `PAYREC_BACKUP_DIR` named by its start, never two at once, then the oldest beyond
 * `PAYREC_BACKUP_KEEP` removed. The copy runs on a thread of its own, so the service keeps
 * answering. A failure is logged and counted, and the next tick tries again. A role: with several
 * processes on one store, the holder takes them.
 */
export const scheduleBackups = (
  config: Config,
  schedule: BackupScheduleConfig,
  {
    logger,
    clock,
    onFailure,
  }: Readonly<{
    logger: Logger;
    clock: Clock;
    onFailure?: () => void;
  }>,
): ScheduledBackups => {
  let running: Promise<void> | null = null;
  let failures = 0;
  let lastFailure: BackupStatus['lastFailure'] = null;
  const backUp = async (): Promise<void> => {
    const started = clock.now();
    const to = join(schedule.dir, backupNameAt(started));
    try {
      const manifest = await backUpStore(config, to, { now: () => clock.now() });
      const removed = pruneBackups(schedule.dir, schedule.keep);
      logger.info(
        {
          backup: to,
          events: manifest.events?.count ?? null,
          tookMs: manifest.tookMs,
          removed,
        },
        'backup taken',
      );
    } catch (err) {
      failures += 1;
      lastFailure = {
        at: clock.now().toISOString(),
        reason: err instanceof Error ? err.message : String(err),
      };
      onFailure?.();
      logger.error({ err, backup: to }, 'scheduled backup failed; the next tick tries again');
    }
  };
  const runOnce = (): Promise<void> => {
    running ??= backUp().finally(() => {
      running = null;
    });
    return running;
  };
  const task = createTask(schedule.cron, runOnce, { name: 'backup', noOverlap: true });
  return {
    start: () => {
      void task.start();
    },
    stop: async () => {
      await task.stop();
      await running;
    },
    runOnce,
    status: () => {
      const newest = newestBackup(schedule.dir);
      return {
        dir: schedule.dir,
        keep: schedule.keep,
        last:
          newest === null
            ? null
            : {
                name: newest.name,
                finishedAt: newest.manifest.finishedAt,
                tookMs: newest.manifest.tookMs,
                bytes: newest.manifest.files.reduce((sum, file) => sum + file.bytes, 0),
                events: newest.manifest.events?.count ?? null,
              },
        kept: newest?.kept ?? 0,
        failures,
        lastFailure,
        running: running !== null,
      };
    },
  };
};
