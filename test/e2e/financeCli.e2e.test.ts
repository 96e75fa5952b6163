import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService } from '../../src/main.js';
import { aReportCommand, usd } from '../support/paymentBuilders.js';
import { runCli } from '../support/runningService.js';

/**
 * The finance commands as a person runs them: real processes on a store that a service filled,
 * their exit codes and output.
 */
describe('payrec export, report and discrepancies on the command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'payrec-finance-cli-'));
  const env = { PAYREC_DATA_DIR: dataDir };
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    const service = await createService(loadConfig(env), {
      logger: createLogger({ level: 'silent' }),
    });
    const payment = { provider: 'kraken-embed', ref: 'Q-1' };
    await service.handlePaymentCommand({
      type: 'RegisterPayment',
      data: {
        payment,
        expected: { amount: usd(10_000), orderId: '=1+1' },
        registeredAt: new Date().toISOString(),
        source: 'api',
      },
    });
    await service.handlePaymentCommand(
      aReportCommand('success', {
        payment,
        key: 'short',
        amount: usd(9_000),
        at: new Date().toISOString(),
      }),
    );
    await service.handlePaymentCommand(
      aReportCommand('success', {
        payment: { provider: 'kraken-embed', ref: 'Q-2' },
        key: 'paid',
        amount: usd(2_550),
        at: new Date().toISOString(),
      }),
    );
    await service.close();
  }, 60_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports payments as CSV to stdout, formulas neutralised, exit 0', async () => {
    const { code, stdout, stderr } = await cli('export', 'payments', '--format', 'csv');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'provider,ref,status,amountMinor,amount,currency,orderId,createdAt,updatedAt,openDiscrepancies',
    );
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 7))).toEqual([
      ['kraken-embed', 'Q-1', 'pending', '10000', '100.00', 'USD', "'=1+1"],
      ['kraken-embed', 'Q-2', 'success', '2550', '25.50', 'USD', ''],
    ]);
  });

  it('exports as NDJSON with filters, and refuses what it cannot export with exit 2', async () => {
    const { code, stdout } = await cli(
      'export',
      'payments',
      '--format',
      'ndjson',
      '--status',
      'success',
    );
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([expect.objectContaining({ ref: 'Q-2', amount: '25.50' })]);
    const badFormat = await cli('export', 'payments', '--format', 'xlsx');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format must be csv or ndjson');
    const badFilter = await cli('export', 'payments', '--format', 'csv', '--amount-min', 'ten');
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toContain('--amount-min');
    const wrongKind = await cli('export', 'events', '--format', 'csv', '--status', 'success');
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain('events takes no --status');
  });

  it('lists payments found by the filters of GET /payments, one line each', async () => {
    const byOrder = await cli('payments', 'list', '--order-id', '=1+1');
    expect(byOrder.code).toBe(0);
    expect(byOrder.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^kraken-embed\/Q-1 {2}pending {2}USD 100\.00 {2}order =1\+1 .* {2}1 open discrepancy\(ies\)$/,
      ),
    ]);
    const paid = await cli('payments', 'list', '--status', 'success', '--sort', 'created');
    expect(paid.stdout).toMatch(/^kraken-embed\/Q-2 {2}success {2}USD 25\.50/);
    const none = await cli('payments', 'list', '--currency', 'XOF');
    expect({ code: none.code, stdout: none.stdout, stderr: none.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: 'no payments match.\n',
    });
    const bad = await cli('payments', 'list', '--currency', 'usd');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--currency');
  });

  it('lists the newest first for a person, and says how many match when it stops short', async () => {
    const all = await cli('payments', 'list', '--sort', 'created');
    expect(
      all.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split('  ')[0]),
    ).toEqual(['kraken-embed/Q-2', 'kraken-embed/Q-1']);
    expect(all.stderr).toBe('');
    const one = await cli('payments', 'list', '--sort', 'created', '--limit', '1');
    expect(one.stdout).toMatch(/^kraken-embed\/Q-2 /);
    expect(one.stderr).toBe(
      '1 of 2 payments shown, the newest created first; more with --limit N, every one with payrec export payments.\n',
    );
    const scripted = await cli('payments', 'list', '--sort', 'created', '--order', 'asc');
    expect(scripted.stdout).toMatch(/^kraken-embed\/Q-1 /);
  });

  it('prints the settlement report as JSON or CSV', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const json = await cli('report', 'settlement', '--from', today, '--to', today);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      timezone: 'UTC',
      rows: [
        {
          day: today,
          provider: 'kraken-embed',
          currency: 'USD',
          status: 'pending',
          count: 1,
          amountMinor: '10000',
          amount: '100.00',
        },
        {
          day: today,
          provider: 'kraken-embed',
          currency: 'USD',
          status: 'success',
          count: 1,
          amountMinor: '2550',
          amount: '25.50',
        },
      ],
    });
    const csv = await cli(
      'report',
      'settlement',
      '--from',
      today,
      '--to',
      today,
      '--format',
      'csv',
    );
    expect(csv.stdout.trimEnd().split('\r\n')).toEqual([
      'day,provider,currency,status,count,amountMinor,amount',
      `${today},kraken-embed,USD,pending,1,10000,100.00`,
      `${today},kraken-embed,USD,success,1,2550,25.50`,
    ]);
    const backwards = await cli('report', 'settlement', '--from', today, '--to', '2020-01-01');
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('to must not be before from');
  });

  it('lists, acknowledges and resolves a discrepancy, naming the actor, and refuses resolving twice', async () => {
    const listed = await cli('discrepancies', 'list');
    expect(listed.code).toBe(0);
    const [line] = listed.stdout.trimEnd().split('\n');
    expect(line).toContain('amount-mismatch  open  kraken-embed/Q-1');
    expect(line).toContain('amount: payrec USD 100.00, provider USD 90.00');
    const id = line?.split('  ')[0] ?? '';
    const acknowledged = await cli(
      'discrepancies',
      'acknowledge',
      id,
      '--note',
      'calling them',
      '--actor',
      'alice',
    );
    expect(acknowledged).toMatchObject({ code: 0 });
    expect(acknowledged.stdout).toContain('acknowledged');
    const noNote = await cli('discrepancies', 'resolve', id, '--resolution', 'written-off');
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain('--note');
    const resolved = await cli(
      'discrepancies',
      'resolve',
      id,
      '--resolution',
      'written-off',
      '--note',
      'too small to chase',
    );
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('resolved');
    const again = await cli(
      'discrepancies',
      'resolve',
      id,
      '--resolution',
      'other',
      '--note',
      'again',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already resolved');
    const listedResolved = await cli('discrepancies', 'list', '--state', 'resolved');
    expect(listedResolved.stdout).toContain(id);
    const exported = await cli('export', 'discrepancies', '--format', 'ndjson');
    expect(JSON.parse(exported.stdout.trim())).toMatchObject({
      id,
      state: 'resolved',
      acknowledgedBy: 'alice',
      resolution: 'written-off',
      resolutionNote: 'too small to chase',
    });
  });
});
