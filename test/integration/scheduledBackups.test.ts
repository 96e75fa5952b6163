import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryLog, type DeliveryLogEntry } from '../../src/adapters/deliveryLog/deliveryLog.js';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import { deliverKrakenEmbedEvent, startWebhookService } from '../support/webhookService.js';
import { consoleCookie } from '../support/consoleSignIn.js';
import { cleanedUpAfterEach } from '../support/testCleanups.js';
import { waitFor } from '../support/waitFor.js';

const apiToken = 'scheduled-backups-token-0123456789abcdef';

const metricValue = (metrics: string, name: string): number | undefined => {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describe('scheduled backups inside payrec serve', () => {
  const made = cleanedUpAfterEach();
  const directory = () => made.directory('scheduled');

  it('takes one per tick as the backup role, keeps the newest PAYREC_BACKUP_KEEP, and says so on /metrics and the overview', async () => {
    const backupDir = directory();
    const { service, cleanup } = await startWebhookService({
      now: () => new Date(),
      env: {
        PAYREC_BACKUP_DIR: backupDir,
        // Every second: the first tick comes while the test watches.
        PAYREC_BACKUP_CRON: '* * * * * *',
        PAYREC_BACKUP_KEEP: '2',
        PAYREC_API_TOKEN: apiToken,
      },
    });
    made.add(cleanup);
    expect(await deliverKrakenEmbedEvent(service, { id: 'SB-1' })).toBe(200);
    const ready = (await service.app.inject({ url: '/readyz' })).json<{ roles: string[] }>();
    expect(ready.roles).toContain('backup');

    // Ticks come every second; after a few, only the newest two are kept.
    await waitFor(() => {
      const names = readdirSync(backupDir).filter((name) => name.startsWith('payrec-'));
      return names.length === 2 ? names : undefined;
    }, 10_000);
    await service.backups?.runOnce();
    await service.backups?.runOnce();
    const kept = readdirSync(backupDir).filter((name) => /^payrec-\d{8}T\d{9}Z$/.test(name));
    expect(kept).toHaveLength(2);
    for (const name of kept) {
      expect(readdirSync(join(backupDir, name)).sort()).toEqual([
        'events.db',
        'manifest.json',
        'payrec.db',
        'readmodels.db',
      ]);
    }

    const metrics = (
      await service.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${apiToken}` },
      })
    ).body;
    const lastSuccess = metricValue(metrics, 'payrec_backup_last_success_timestamp_seconds');
    expect(lastSuccess).toBeGreaterThan(Date.now() / 1000 - 30);
    expect(metricValue(metrics, 'payrec_backups_kept')).toBe(2);
    expect(metricValue(metrics, 'payrec_backup_failures_total')).toBe(0);
    expect(metricValue(metrics, 'payrec_backup_last_size_bytes')).toBeGreaterThan(0);
    expect(service.backups?.status()).toMatchObject({ kept: 2, keep: 2, failures: 0 });
    const overview = await service.app.inject({
      url: '/console',
      headers: { cookie: await consoleCookie(service.app, apiToken) },
    });
    expect(overview.body).toMatch(
      new RegExp(
        `<dt>Backups</dt>\\s*<dd>last finished \\S+, \\d+ events, [\\d.]+ MB in [\\d.]+ s; 2 of 2 kept in ${backupDir}`,
      ),
    );
  }, 30_000);

  it('logs and counts a failure, shows it on the overview, and tries again at the next tick', async () => {
    const parent = directory();
    // A file where the directory should be: every backup fails.
    const backupDir = join(parent, 'not-a-directory');
    writeFileSync(backupDir, 'in the way');
    const { service, cleanup } = await startWebhookService({
      now: () => new Date(),
      env: {
        PAYREC_BACKUP_DIR: backupDir,
        PAYREC_BACKUP_CRON: '0 0 1 1 *',
        PAYREC_API_TOKEN: apiToken,
      },
    });
    made.add(cleanup);
    await service.backups?.runOnce();
    await service.backups?.runOnce();
    expect(service.backups?.status()).toMatchObject({ failures: 2, kept: 0, last: null });
    expect(service.backups?.status().lastFailure?.reason).toContain(backupDir);
    const metrics = (
      await service.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${apiToken}` },
      })
    ).body;
    expect(metricValue(metrics, 'payrec_backup_failures_total')).toBe(2);
    const overview = await service.app.inject({
      url: '/console',
      headers: { cookie: await consoleCookie(service.app, apiToken) },
    });
    expect(overview.body).toContain('none yet; 0 of 7 kept in');
    expect(overview.body).toContain('<strong>2 failed here, the last at ');
    // Never: 0, so that an alert on the backup's age fires.
    expect(metricValue(metrics, 'payrec_backup_last_success_timestamp_seconds')).toBe(0);
  }, 30_000);
});

describe('the retention of rejected deliveries', () => {
  it('prunes rejected entries past the retention in bounded batches, and never an accepted one', () => {
    const directory = mkdtempSync(join(tmpdir(), 'payrec-retention-'));
    const path = join(directory, 'payrec.db');
    const db = openReadModelDatabase(path);
    try {
      const log = new DeliveryLog(db);
      const entry = (
        receivedAt: string,
        outcome: DeliveryLogEntry['outcome'],
        index: number,
      ): DeliveryLogEntry => ({
        provider: 'kraken-embed',
        receivedAt,
        outcome,
        deliveryId: outcome === 'rejected' ? null : `D-${index}`,
        code: outcome === 'rejected' ? 'INVALID_SIGNATURE' : null,
        size: 10,
        sourceAddress: '192.0.2.1',
        payments: [],
      });
      for (let index = 0; index < 2_500; index += 1) {
        log.record(entry('2026-01-01T00:00:00.000Z', 'rejected', index));
      }
      log.record(entry('2026-01-01T00:00:00.000Z', 'accepted', 1));
      log.record(entry('2026-06-01T00:00:00.000Z', 'rejected', 2));
      log.flush();
      const cutoff = '2026-03-01T00:00:00.000Z';
      // One batch at a time: 1,000, 1,000, then the rest.
      expect(log.pruneRejectedBefore(cutoff)).toBe(1_000);
      expect(log.pruneRejectedBefore(cutoff)).toBe(1_000);
      expect(log.pruneRejectedBefore(cutoff)).toBe(500);
      expect(log.pruneRejectedBefore(cutoff)).toBe(0);
      const left = log.list({ limit: 10 })?.items ?? [];
      expect(left.map((item) => [item.outcome, item.receivedAt])).toEqual([
        ['rejected', '2026-06-01T00:00:00.000Z'],
        ['accepted', '2026-01-01T00:00:00.000Z'],
      ]);
    } finally {
      db.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
