import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import { projected } from '../support/projected.js';

const largest = Number.MAX_SAFE_INTEGER; // 2^53 − 1, the largest amount payrec registers

describe('the settlement report of a day whose sum no 64-bit integer holds', () => {
  let service: Service;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-sums-'));
    service = await createService(
      loadConfig({ PAYREC_DATA_DIR: dataDir, PAYREC_RECONCILE_CRON: '0 0 1 1 *' }),
      {
        clock: { now: () => new Date('2026-11-20T10:00:00.000Z') },
        logger: createLogger({ level: 'silent' }),
      },
    );
    for (let index = 0; index < 1_100; index += 1) {
      const created = await service.app.inject({
        method: 'POST',
        url: '/payments',
        payload: { provider: 'kkiapay', ref: `HUGE-${index}`, amount: largest, currency: 'USD' },
      });
      expect(created.statusCode).toBe(201);
    }
    await projected(service);
  }, 120_000);
  afterAll(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sums 1,100 payments of 2^53 − 1 exactly, past 2^63, instead of failing', async () => {
    const response = await service.app.inject({
      url: '/reports/settlement?from=2026-11-20&to=2026-11-20',
    });
    expect(response.statusCode).toBe(200);
    const exact = BigInt(largest) * 1_100n;
    expect(exact > 2n ** 63n).toBe(true);
    expect(response.json<{ rows: unknown[] }>().rows).toEqual([
      {
        day: '2026-11-20',
        provider: 'kkiapay',
        currency: 'USD',
        status: 'pending',
        count: 1_100,
        amountMinor: exact.toString(),
        amount: `${(exact / 100n).toString()}.${(exact % 100n).toString().padStart(2, '0')}`,
      },
    ]);
  });
});
