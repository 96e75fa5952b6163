import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../src/adapters/deliveryLog/deliveryLog.js';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import { repairDeliveryLog } from '../../src/service/index.js';
import { deliverKrakenEmbedEvent, startWebhookService } from '../support/webhookService.js';

describe('repairing the delivery log from the event log', () => {
  it('writes back every accepted delivery the log lacks, in bounded passes, once', async () => {
    const now = new Date('2026-11-24T10:00:00.000Z');
    const { service, cleanup } = await startWebhookService({ now: () => now });
    const directory = mkdtempSync(join(tmpdir(), 'payrec-repair-'));
    const db = openReadModelDatabase(join(directory, 'payrec.db'));
    try {
      for (let index = 1; index <= 5; index += 1) {
        expect(
          await deliverKrakenEmbedEvent(
            service,
            { id: `R-${index}`, event_type: 'quote.executed' },
            now,
          ),
        ).toBe(200);
      }
      // A log that lost everything: what a crash between the two files leaves, at worst.
      const lost = new DeliveryLog(db);
      const repair = await repairDeliveryLog({
        eventStore: service.eventStore,
        deliveryLog: lost,
        maxDeliveriesPerPass: 2,
      });
      expect(repair.repaired).toBe(5);
      const page = lost.list({ limit: 10 });
      expect(page?.items.flatMap((item) => item.payments).sort()).toEqual(
        ['R-1', 'R-2', 'R-3', 'R-4', 'R-5'].map((ref) => `kraken-embed/${ref}`),
      );
      expect(page?.items.every((item) => item.outcome === 'accepted')).toBe(true);
      // From its checkpoint, a second repair has nothing to do.
      expect(
        (await repairDeliveryLog({ eventStore: service.eventStore, deliveryLog: lost })).repaired,
      ).toBe(0);
      expect(lost.list({ limit: 10 })?.items).toHaveLength(5);
    } finally {
      db.close();
      rmSync(directory, { recursive: true, force: true });
      await cleanup();
    }
  });
});
