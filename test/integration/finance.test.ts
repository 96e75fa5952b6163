import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import {
  createSimulatorCredentials,
  kkiapayDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
} from '../../src/simulator/index.js';
import { waitFor } from '../support/waitFor.js';
import { projected as allProjected } from '../support/projected.js';

const credentials = await createSimulatorCredentials();

type Page<Item> = {
  items: Item[];
  nextCursor: string | null;
  matching: { count: number; capped: boolean };
};
type PaymentItem = { ref: string; currency: string | null; amountMinor: string | null };
type DiscrepancyItem = {
  id: string;
  kind: string;
  state: string;
  differences: unknown[];
  acknowledged: unknown;
  resolution: unknown;
  history: Array<{ action: string; actor: string | null }>;
  ageSeconds: number | null;
};

/** The CSV an export answered, as rows of cells (RFC 4180: CRLF between rows). */
const csvRows = (body: string): string[][] =>
  body
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));

describe('finance: find, export, report and work discrepancies', () => {
  let simulator: ProviderSimulator;
  let service: Service;
  let dataDir: string;
  let now: Date;

  beforeAll(async () => {
    simulator = await startProviderSimulator({ credentials });
  });
  afterAll(async () => {
    await simulator.close();
  });
  beforeEach(async () => {
    now = new Date('2026-11-20T10:00:00.000Z');
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-finance-'));
    service = await createService(
      loadConfig({
        ...payrecEnvironmentFor(credentials, simulator.url),
        PAYREC_DATA_DIR: dataDir,
        PAYREC_RECONCILE_CRON: '0 0 1 1 *',
        PAYREC_STATUS_TIMEOUT_MS: '2000',
        PAYREC_REPORT_TIMEZONE: 'Asia/Taipei',
      }),
      {
        clock: { now: () => now },
        logger: createLogger({ level: 'silent' }),
        statusRetryDelayMs: 5,
      },
    );
  });
  afterEach(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    service.app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: Record<string, unknown>) =>
    service.app.inject({ method: 'POST', url, payload });
  const register = async (body: Record<string, unknown>) => {
    expect((await post('/payments', body)).statusCode).toBe(201);
  };
  /** Waits until the read models hold every event the log has. */
  const projected = async () => {
    await allProjected(service);
  };
  const settle = async (
    provider: 'kraken-embed' | 'kkiapay',
    ref: string,
    amount: string,
    currency: string,
  ) => {
    simulator.setTruth(provider, ref, {
      status: provider === 'kkiapay' ? 'SUCCESS' : 'executed',
      amount: { value: amount, currency },
    });
    await projected();
    await service.reconciler.runCycle();
    await projected();
  };
  const refs = (page: Page<PaymentItem>) => page.items.map((item) => item.ref);
  const payments = async (query: string) =>
    (await get(`/payments?${query}`)).json<Page<PaymentItem>>();

  describe('searching payments', () => {
    beforeEach(async () => {
      await register({
        provider: 'kraken-embed',
        ref: 'A',
        amount: 1_000,
        currency: 'USD',
        orderId: 'order-1',
      });
      now = new Date('2026-11-21T10:00:00.000Z');
      await register({
        provider: 'kraken-embed',
        ref: 'B',
        amount: 50_000,
        currency: 'USD',
        orderId: 'order-2',
      });
      now = new Date('2026-11-22T10:00:00.000Z');
      await register({
        provider: 'kkiapay',
        ref: 'C',
        amount: 2_500,
        currency: 'XOF',
        orderId: 'order-3',
      });
      await settle('kraken-embed', 'B', '400.00', 'USD'); // disagrees: 500.00 was registered
      await projected();
    });

    it('finds payments by order id, currency, amount range, creation time and open discrepancy', async () => {
      expect(refs(await payments('orderId=order-2'))).toEqual(['B']);
      expect(refs(await payments('currency=XOF'))).toEqual(['C']);
      expect(refs(await payments('amountMin=2000&amountMax=50000&sort=created'))).toEqual([
        'B',
        'C',
      ]);
      expect(refs(await payments('amountMax=2499'))).toEqual(['A']);
      expect(refs(await payments('createdFrom=2026-11-21T00:00:00Z&sort=created'))).toEqual([
        'B',
        'C',
      ]);
      expect(refs(await payments('createdTo=2026-11-21T10:00:00Z'))).toEqual(['A']);
      expect(refs(await payments('hasOpenDiscrepancy=true'))).toEqual(['B']);
      expect(refs(await payments('hasOpenDiscrepancy=false&sort=created'))).toEqual(['A', 'C']);
      expect(refs(await payments('provider=kraken-embed&status=pending&sort=created'))).toEqual([
        'A',
        'B',
      ]);
      // The cycle that settled B checked every payment due: all three were updated on the 22nd.
      expect(refs(await payments('updatedFrom=2026-11-22T00:00:00Z&sort=created'))).toEqual([
        'A',
        'B',
        'C',
      ]);
      expect(refs(await payments('updatedTo=2026-11-22T00:00:00Z'))).toEqual([]);
    });

    it('sorts by creation or update time, either way, and pages with cursors bound to the order', async () => {
      expect(refs(await payments('sort=created&order=desc'))).toEqual(['C', 'B', 'A']);
      const first = await payments('sort=created&limit=2');
      expect(refs(first)).toEqual(['A', 'B']);
      const second = await payments(`sort=created&limit=2&cursor=${first.nextCursor ?? ''}`);
      expect(refs(second)).toEqual(['C']);
      expect(second.nextCursor).toBeNull();
      // Every page says how many match in all, not only how many it holds.
      expect(first.matching).toEqual({ count: 3, capped: false });
      expect(second.matching).toEqual({ count: 3, capped: false });
      expect((await payments('currency=USD&limit=1')).matching).toEqual({
        count: 2,
        capped: false,
      });
      const mixed = await get(`/payments?sort=updated&limit=2&cursor=${first.nextCursor ?? ''}`);
      expect(mixed.statusCode).toBe(400);
      expect(mixed.json()).toMatchObject({ code: 'INVALID_QUERY' });
    });

    it('refuses a bad filter naming it', async () => {
      for (const query of [
        'currency=usd',
        'amountMin=1.5',
        'createdFrom=yesterday',
        'sort=amount',
        'hasOpenDiscrepancy=maybe',
      ]) {
        const response = await get(`/payments?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json<{ reason: string }>().reason, query).toContain(query.split('=')[0]);
      }
    });

    it('exports every matching payment as CSV with a header row, and as NDJSON', async () => {
      const csv = await get('/exports/payments?provider=kraken-embed', { accept: 'text/csv' });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(
        /^attachment; filename="payrec-payments-2026-11-22T10-00-00-000Z\.csv"$/,
      );
      const [header, ...rows] = csvRows(csv.body);
      expect(header).toEqual([
        'provider',
        'ref',
        'status',
        'amountMinor',
        'amount',
        'currency',
        'orderId',
        'createdAt',
        'updatedAt',
        'openDiscrepancies',
      ]);
      expect(rows).toEqual([
        [
          'kraken-embed',
          'A',
          'pending',
          '1000',
          '10.00',
          'USD',
          'order-1',
          '2026-11-20T10:00:00.000Z',
          '2026-11-22T10:00:00.000Z',
          '0',
        ],
        [
          'kraken-embed',
          'B',
          'pending',
          '50000',
          '500.00',
          'USD',
          'order-2',
          '2026-11-21T10:00:00.000Z',
          '2026-11-22T10:00:00.000Z',
          '1',
        ],
      ]);
      const ndjson = await get('/exports/payments?format=ndjson&currency=XOF');
      expect(ndjson.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(
        ndjson.body
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
      ).toEqual([
        expect.objectContaining({ ref: 'C', amountMinor: '2500', amount: '2500', currency: 'XOF' }),
      ]);
      expect((await get('/exports/payments', { accept: 'application/pdf' })).statusCode).toBe(406);
    });
  });

  it('neutralises a cell a spreadsheet would run as a formula', async () => {
    await register({ provider: 'kraken-embed', ref: 'F', orderId: '=HYPERLINK("http://evil")' });
    await register({ provider: 'kraken-embed', ref: '+1', orderId: '@SUM(A1)' });
    await projected();
    const csv = await get('/exports/payments?format=csv');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.body).toContain("'@SUM(A1)");
    expect(csv.body).toContain("'+1");
    expect(csv.body).not.toMatch(/(^|,)[=+@]/m);
  });

  it('exports the audit trail over a time range, and the delivery log', async () => {
    await register({ provider: 'kkiapay', ref: 'E1', amount: 1_000, currency: 'XOF' });
    await projected();
    // The log records events at the store's own time (the wall clock), not the test's clock.
    const between = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await settle('kkiapay', 'E1', '1000', 'XOF');
    const later = await get(`/exports/events?format=ndjson&from=${between.toISOString()}`);
    const types = later.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; effect: string | null });
    expect(types.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'PaymentStatusChanged',
      'FulfilmentRequested',
    ]);
    expect(types[0]?.effect).toBe('moved');
    const all = csvRows((await get('/exports/events?format=csv')).body);
    expect(all[0]).toEqual([
      'position',
      'recordedAt',
      'provider',
      'ref',
      'revision',
      'type',
      'effect',
      'data',
    ]);
    expect(all).toHaveLength(5);
    const deliveries = await get('/exports/deliveries?format=ndjson');
    expect(deliveries.statusCode).toBe(200);
  });

  describe('a discrepancy a person works', () => {
    const discrepancies = async (query = '') =>
      (await get(`/discrepancies?${query}`)).json<Page<DiscrepancyItem>>();

    beforeEach(async () => {
      await register({ provider: 'kraken-embed', ref: 'Q', amount: 10_000, currency: 'USD' });
      await settle('kraken-embed', 'Q', '90.00', 'USD');
    });

    it('lists it with its kind, state, age and a field-by-field difference', async () => {
      now = new Date('2026-11-20T12:00:00.000Z');
      const [item] = (await discrepancies('kind=amount-mismatch')).items;
      expect(item).toMatchObject({
        kind: 'amount-mismatch',
        state: 'open',
        differences: [{ field: 'amount', payrec: 'USD 100.00', provider: 'USD 90.00' }],
        ageSeconds: 7200,
      });
      expect((await discrepancies('kind=overdue')).items).toEqual([]);
      expect((await discrepancies('olderThan=2026-11-20T09:00:00Z')).items).toEqual([]);
      expect((await discrepancies('olderThan=2026-11-20T11:00:00Z')).items).toHaveLength(1);
      expect((await get('/discrepancies?kind=rounding')).statusCode).toBe(400);
    });

    it('is acknowledged, then resolved, each naming the actor; resolving again is a 409', async () => {
      const [item] = (await discrepancies()).items;
      if (item === undefined) throw new Error('expected a discrepancy');
      const acknowledged = await post(`/discrepancies/${item.id}/acknowledge`, {
        note: 'asking the customer',
      });
      expect(acknowledged.statusCode).toBe(200);
      expect(acknowledged.json()).toMatchObject({
        state: 'acknowledged',
        acknowledged: { actor: 'loopback', note: 'asking the customer' },
      });
      // What you write, you read: the list shows it at once, with no wait for the projections.
      expect((await discrepancies('state=acknowledged')).items.map((one) => one.id)).toEqual([
        item.id,
      ]);
      expect(
        (await post(`/discrepancies/${item.id}/resolve`, { resolution: 'written-off' })).statusCode,
      ).toBe(400);
      expect(
        (await post(`/discrepancies/${item.id}/resolve`, { resolution: 'lost', note: 'x' }))
          .statusCode,
      ).toBe(400);
      const resolved = await post(`/discrepancies/${item.id}/resolve`, {
        resolution: 'accepted-provider',
        note: 'customer paid 90.00 by agreement',
      });
      expect(resolved.statusCode).toBe(200);
      expect(resolved.json()).toMatchObject({
        state: 'resolved',
        resolution: {
          resolution: 'accepted-provider',
          actor: 'loopback',
          note: 'customer paid 90.00 by agreement',
        },
      });
      const again = await post(`/discrepancies/${item.id}/resolve`, {
        resolution: 'other',
        note: 'again',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'DISCREPANCY_RESOLVED' });
      expect(
        (await post('/discrepancies/bm9wZQ/resolve', { resolution: 'other', note: 'x' }))
          .statusCode,
      ).toBe(404);
      const events = await service.eventStore.readStream('payment-kraken-embed/Q');
      expect(
        events
          .filter((event) => event.type.startsWith('Discrepancy'))
          .map((event) => [event.type, event.data['actor']]),
      ).toEqual([
        ['DiscrepancyDetected', undefined],
        ['DiscrepancyAcknowledged', 'loopback'],
        ['DiscrepancyResolved', 'loopback'],
      ]);
      expect((await discrepancies('state=resolved')).items).toHaveLength(1);
      expect((await discrepancies()).items).toEqual([]);
    });

    it('stays resolved when the provider repeats the same figure, and a new figure says who resolved the last', async () => {
      const [item] = (await discrepancies()).items;
      if (item === undefined) throw new Error('expected a discrepancy');
      await post(`/discrepancies/${item.id}/resolve`, {
        resolution: 'written-off',
        note: 'checked',
      });
      now = new Date('2026-11-20T11:00:00.000Z'); // the next scheduled check: 90.00 again
      await service.reconciler.runCycle();
      await projected();
      expect((await discrepancies()).items).toEqual([]);
      simulator.setTruth('kraken-embed', 'Q', {
        status: 'executed',
        amount: { value: '80.00', currency: 'USD' },
      });
      now = new Date('2026-11-21T11:00:00.000Z');
      await service.reconciler.runCycle();
      await projected();
      const [changed] = (await discrepancies()).items;
      expect(changed).toMatchObject({
        state: 'open',
        differences: [{ field: 'amount', payrec: 'USD 100.00', provider: 'USD 80.00' }],
        previouslyResolved: {
          id: item.id,
          resolution: 'written-off',
          actor: 'loopback',
          provider: 'USD 90.00',
        },
      });
    });

    it('accepting the provider’s figure makes it the payment’s and lets the held-back success through', async () => {
      const [item] = (await discrepancies()).items;
      if (item === undefined) throw new Error('expected a discrepancy');
      expect((await get('/payments/kraken-embed/Q')).json()).toMatchObject({ status: 'pending' });
      const resolved = await post(`/discrepancies/${item.id}/resolve`, {
        resolution: 'accepted-provider',
        note: 'customer paid 90.00 by agreement',
      });
      expect(resolved.statusCode).toBe(200);
      expect((await get('/payments/kraken-embed/Q')).json()).toMatchObject({
        status: 'success',
        amountMinor: '9000',
        expectedAmount: { minor: 9000, currency: 'USD' },
      });
      const report = await get('/reports/settlement?from=2026-11-20&to=2026-11-20');
      expect(report.json<{ rows: unknown[] }>().rows).toContainEqual(
        expect.objectContaining({ status: 'success', amountMinor: '9000', count: 1 }),
      );
      now = new Date('2026-11-21T11:00:00.000Z');
      await service.reconciler.runCycle();
      await projected();
      expect((await discrepancies()).items).toEqual([]);
      const events = await service.eventStore.readStream('payment-kraken-embed/Q');
      expect(events.map((event) => event.type)).toContain('ProviderAmountAccepted');
    });
  });

  it('says what the decider made of each report, and turns a denied hint into a discrepancy', async () => {
    await register({ provider: 'kkiapay', ref: 'H', amount: 1_000, currency: 'XOF' });
    simulator.setTruth('kkiapay', 'H', {
      status: 'FAILED',
      amount: { value: '1000', currency: 'XOF' },
    });
    await projected();
    const delivered = kkiapayDelivery(credentials, {
      ref: 'H',
      success: true,
      amount: 1000,
      at: now,
    });
    const response = await service.app.inject({
      method: 'POST',
      url: delivered.path,
      headers: delivered.headers,
      payload: delivered.body,
    });
    expect(response.statusCode).toBe(200);
    // The hint is checked at once: the status endpoint says FAILED.
    const trail = await waitFor(async () => {
      const { events } = (await get('/payments/kkiapay/H/events')).json<{
        events: Array<{ type: string; effect?: string; discrepancy?: string }>;
      }>();
      return events.some((event) => event.effect === 'contradicted') ? events : undefined;
    });
    expect(
      trail.filter((event) => event.effect !== undefined).map((event) => event.effect),
    ).toEqual(['awaiting-confirmation', 'contradicted']);
    await projected();
    const [denied] = (await get('/discrepancies?kind=contradicted-hint')).json<
      Page<DiscrepancyItem>
    >().items;
    expect(denied).toMatchObject({
      differences: [{ field: 'status', payrec: 'success', provider: 'failed' }],
    });
    expect(trail.find((event) => event.effect === 'contradicted')?.discrepancy).toBe(denied?.id);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain('payrec_contradicted_hints_total 1');
    expect(metrics).toMatch(
      /payrec_discrepancies_open\{kind="contradicted-hint",age="under_1h"\} 1/,
    );
  });

  describe('the settlement report', () => {
    let believedAt: Date;
    // The simulator outlives each test: each test's payments are its own.
    let run = 0;
    const ref = (name: string) => `${name}-${run}`;
    beforeEach(async () => {
      run += 1;
      // Asia/Taipei is UTC+8: 2026-11-20T17:00Z is 21 Nov there.
      await register({ provider: 'kraken-embed', ref: ref('S1'), amount: 1_050, currency: 'USD' });
      await register({ provider: 'kraken-embed', ref: ref('S2'), amount: 2_000, currency: 'USD' });
      await register({ provider: 'kkiapay', ref: ref('S3'), amount: 700, currency: 'XOF' });
      await settle('kraken-embed', ref('S1'), '10.50', 'USD');
      // The log records events at the store's own time (the wall clock): asOf is on that clock.
      believedAt = new Date();
      await new Promise((resolve) => setTimeout(resolve, 5));
      now = new Date('2026-11-20T17:00:00.000Z');
      await settle('kraken-embed', ref('S2'), '20.00', 'USD');
      await settle('kkiapay', ref('S3'), '700', 'XOF');
      now = new Date('2026-11-21T12:00:00.000Z');
    });

    it('counts and sums per local day, provider, currency and status, exactly', async () => {
      const response = await get('/reports/settlement?from=2026-11-20&to=2026-11-21');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        timezone: 'Asia/Taipei',
        asOf: '2026-11-21T12:00:00.000Z',
        from: '2026-11-20',
        to: '2026-11-21',
        rows: [
          {
            day: '2026-11-20',
            provider: 'kraken-embed',
            currency: 'USD',
            status: 'success',
            count: 1,
            amountMinor: '1050',
            amount: '10.50',
          },
          {
            day: '2026-11-21',
            provider: 'kkiapay',
            currency: 'XOF',
            status: 'success',
            count: 1,
            amountMinor: '700',
            amount: '700',
          },
          {
            day: '2026-11-21',
            provider: 'kraken-embed',
            currency: 'USD',
            status: 'success',
            count: 1,
            amountMinor: '2000',
            amount: '20.00',
          },
        ],
      });
      const csv = await get(
        '/reports/settlement?from=2026-11-21&to=2026-11-21&format=csv&provider=kkiapay',
      );
      expect(csvRows(csv.body)).toEqual([
        ['day', 'provider', 'currency', 'status', 'count', 'amountMinor', 'amount'],
        ['2026-11-21', 'kkiapay', 'XOF', 'success', '1', '700', '700'],
      ]);
    });

    it('reports what payrec believed at an instant, and lists what changed since', async () => {
      const before = await get(
        `/reports/settlement?from=2026-11-20&to=2026-11-21&asOf=${believedAt.toISOString()}`,
      );
      expect(before.json<{ rows: unknown[] }>().rows).toEqual([
        {
          day: '2026-11-20',
          provider: 'kkiapay',
          currency: 'XOF',
          status: 'pending',
          count: 1,
          amountMinor: '700',
          amount: '700',
        },
        {
          day: '2026-11-20',
          provider: 'kraken-embed',
          currency: 'USD',
          status: 'pending',
          count: 1,
          amountMinor: '2000',
          amount: '20.00',
        },
        {
          day: '2026-11-20',
          provider: 'kraken-embed',
          currency: 'USD',
          status: 'success',
          count: 1,
          amountMinor: '1050',
          amount: '10.50',
        },
      ]);
      const changes = await get(`/reports/settlement/changes?since=${believedAt.toISOString()}`);
      expect(changes.json()).toEqual({
        changes: [
          expect.objectContaining({
            provider: 'kraken-embed',
            ref: ref('S2'),
            from: 'pending',
            to: 'success',
            at: '2026-11-20T17:00:00.000Z',
            eventType: 'PaymentStatusChanged',
          }),
          expect.objectContaining({
            provider: 'kkiapay',
            ref: ref('S3'),
            from: 'pending',
            to: 'success',
            eventType: 'PaymentStatusChanged',
          }),
        ],
        nextCursor: null,
      });
    });

    it('refuses a period it cannot count, saying why', async () => {
      for (const query of [
        'from=2026-11-21&to=2026-11-20',
        'from=2026-11-20',
        'from=2025-01-01&to=2026-12-31',
        'from=20-11-2026&to=2026-11-21',
      ]) {
        const response = await get(`/reports/settlement?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(response.json(), query).toMatchObject({ code: 'INVALID_QUERY' });
      }
    });
  });
});
