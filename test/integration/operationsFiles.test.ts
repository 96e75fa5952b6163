import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { testFulfilmentSecret } from '../support/fulfilmentReceiver.js';
import { startWebhookService } from '../support/webhookService.js';

const operations = resolve(import.meta.dirname, '../../docs/operations');
const apiToken = 'operations-files-token-0123456789abcdef';

type RuleFile = { groups: Array<{ name: string; rules: Array<{ alert: string; expr: string }> }> };
type Dashboard = { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

/** The payrec metrics an expression names (a histogram's series by its family's name). */
const metricsIn = (expr: string): string[] =>
  [...expr.matchAll(/\bpayrec_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, ''));

describe('the alert rules and the dashboard that ship in docs/operations', () => {
  let exposed: Set<string>;
  let cleanup: () => Promise<void>;
  let backupDir: string;

  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'payrec-operations-'));
    // Every optional part on, so that every metric payrec can expose is exposed.
    const started = await startWebhookService({
      now: () => new Date(),
      env: {
        PAYREC_API_TOKEN: apiToken,
        PAYREC_BACKUP_DIR: backupDir,
        PAYREC_FULFILMENT_URL: 'http://127.0.0.1:9/payrec',
        PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
      },
    });
    cleanup = started.cleanup;
    const metrics = await started.service.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(metrics.statusCode).toBe(200);
    exposed = new Set([...metrics.body.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name ?? ''));
  }, 30_000);
  afterAll(async () => {
    await cleanup();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('has a rule for each thing an operations team is paged for, each on a metric payrec exposes', () => {
    const rules = parse(readFileSync(join(operations, 'alerts.yml'), 'utf8')) as RuleFile;
    const all = rules.groups.flatMap((group) => group.rules);
    expect(all.map((rule) => rule.alert).sort()).toEqual(
      [
        'PayrecBackupFailing',
        'PayrecBackupTooOld',
        'PayrecDeliveriesRejectedBurst',
        'PayrecDiscrepanciesOpenPastADay',
        'PayrecFulfilmentsExhausted',
        'PayrecProjectionLagging',
        'PayrecProjectionStopped',
        'PayrecReconciliationBehind',
        'PayrecRoleUnheld',
        'PayrecStatusApiFailing',
        'PayrecStorageWriteFailing',
        'PayrecVerificationKeysUnavailable',
      ].sort(),
    );
    for (const rule of all) {
      const named = metricsIn(rule.expr);
      expect(named.length, rule.alert).toBeGreaterThan(0);
      for (const metric of named)
        expect(exposed.has(metric), `${rule.alert}: ${metric}`).toBe(true);
    }
  });

  it('draws only metrics payrec exposes', () => {
    const dashboard = JSON.parse(
      readFileSync(join(operations, 'grafana-dashboard.json'), 'utf8'),
    ) as Dashboard;
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const metric of metricsIn(target.expr)) {
          expect(exposed.has(metric), `${panel.title}: ${metric}`).toBe(true);
        }
      }
    }
  });
});
