import { describe, expect, it } from 'vitest';
import { foldPayment, nextCheckAt, type KnownPayment } from '../../../src/domain/index.js';
import { aRegistration, aReportCommand, historyOf, usd } from '../../support/paymentBuilders.js';

const known = (...commands: Parameters<typeof historyOf>): KnownPayment => {
  const state = foldPayment(historyOf(...commands));
  if (state.status === 'unknown') throw new Error('expected a known payment');
  return state;
};

const failedByTheEndpoint = aReportCommand('failed', {
  key: 'poll-1',
  trust: 'authoritative',
  at: '2026-11-24T10:00:00.000Z',
});
const successByAWebhook = aReportCommand('success', {
  key: 'webhook-1',
  trust: 'verified',
  at: '2026-11-24T10:00:30.000Z',
  amount: usd(10_000),
});

describe('when payrec asks a status endpoint next', () => {
  it('does not ask again about a failure the endpoint reported', () => {
    expect(nextCheckAt(known(aRegistration(), failedByTheEndpoint), true)).toBeNull();
  });

  // Found by the simulation (seed 21): the endpoint answered a failure, then the provider
  // executed the payment and said so by a signed webhook; payrec opened the contradiction and
  // never asked the endpoint again, so the payment stayed failed.
  it('asks at once when a verified webhook contradicts the final state the endpoint gave', () => {
    const state = known(aRegistration(), failedByTheEndpoint, successByAWebhook);
    expect(state.openDiscrepancies.map((open) => open.kind)).toEqual(['status-contradiction']);
    expect(nextCheckAt(state, true)).toBe('2026-11-24T10:00:30.000Z');
  });

  it('settles the contradiction by the answer, and asks no more', () => {
    const corrected = known(
      aRegistration(),
      failedByTheEndpoint,
      successByAWebhook,
      aReportCommand('success', {
        key: 'poll-2',
        trust: 'authoritative',
        at: '2026-11-24T10:01:00.000Z',
        amount: usd(10_000),
      }),
    );
    expect(corrected.status).toBe('success');
    expect(corrected.openDiscrepancies).toEqual([]);
    const confirmed = known(
      aRegistration(),
      failedByTheEndpoint,
      successByAWebhook,
      aReportCommand('failed', {
        key: 'poll-2',
        trust: 'authoritative',
        at: '2026-11-24T10:01:00.000Z',
      }),
    );
    expect(confirmed.status).toBe('failed');
    expect(confirmed.openDiscrepancies).toEqual([]);
    expect(nextCheckAt(confirmed, true)).toBeNull();
  });

  it('backs off when the endpoint answers neither side, instead of asking every cycle', () => {
    const undecided = known(
      aRegistration(),
      failedByTheEndpoint,
      successByAWebhook,
      aReportCommand('pending', {
        key: 'poll-2',
        trust: 'authoritative',
        at: '2026-11-24T10:01:00.000Z',
      }),
    );
    expect(undecided.openDiscrepancies.map((open) => open.kind)).toEqual(['status-contradiction']);
    const next = nextCheckAt(undecided, true);
    expect(next).not.toBeNull();
    expect(String(next) > '2026-11-24T10:01:00.000Z').toBe(true);
  });

  it('leaves a provider without a status endpoint to people', () => {
    const state = known(aRegistration(), failedByTheEndpoint, successByAWebhook);
    expect(nextCheckAt(state, false)).toBeNull();
  });

  // Found by the simulation (seed 657986): a person resolved the contradiction a second after it
  // opened, before the endpoint was asked, and the payment stayed failed for good.
  it('asks the endpoint after a contradiction even when a person closed it first', () => {
    const history = historyOf(aRegistration(), failedByTheEndpoint, successByAWebhook);
    const opened = foldPayment(history);
    if (opened.status === 'unknown') throw new Error('expected a known payment');
    const [contradiction] = opened.openDiscrepancies;
    const closed = known(aRegistration(), failedByTheEndpoint, successByAWebhook, {
      type: 'ResolveDiscrepancy',
      data: {
        payment: opened.payment,
        discrepancyId: contradiction?.id ?? '',
        resolution: 'other',
        actor: 'alice',
        note: 'looked at it',
        at: '2026-11-24T10:00:31.000Z',
      },
    });
    expect(closed.openDiscrepancies).toEqual([]);
    expect(nextCheckAt(closed, true)).toBe('2026-11-24T10:00:30.000Z');
  });

  // Found by the simulation (seed 657986): two checks a second apart (a failover) made the next
  // one due five minutes on instead of one.
  it('does not skip a step of the schedule for two checks close together', () => {
    const pending = (key: string, at: string) =>
      aReportCommand('pending', { key, trust: 'authoritative', at });
    const state = known(
      aRegistration({ amount: usd(10_000) }, { registeredAt: '2026-11-24T10:00:00.000Z' }),
      pending('poll-1', '2026-11-24T10:00:00.500Z'),
      pending('poll-2', '2026-11-24T10:00:01.500Z'),
    );
    expect(state.checks).toBe(2);
    expect(nextCheckAt(state, true)).toBe('2026-11-24T10:01:00.000Z');
  });
});
