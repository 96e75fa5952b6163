import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../src/adapters/eventStore/index.js';
import { paymentStreamName, toNewEvent, type PaymentEvent } from '../../src/domain/index.js';
import { aReportCommand, historyOf } from '../support/paymentBuilders.js';
import { cliPath } from '../support/runningService.js';

const showCursor = '\u001b[?25h';

/**
 * Runs a command on a terminal of its own (`script` allocates one), sends it what Ctrl-C sends
 * (SIGINT, to the command the terminal runs: `pgrep` finds it by `pattern`) once `ready` says its
 * output shows it is under way, and resolves with its exit code and what it drew.
 */
const interruptOnTerminal = async (
  command: string,
  pattern: string,
  env: Record<string, string>,
  ready: (output: string) => boolean,
): Promise<{ code: number | null; output: string }> => {
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let pressed = false;
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (!pressed && ready(output)) {
      pressed = true;
      const pids = execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line !== '')
        .map(Number)
        .filter((pid) => pid !== child.pid);
      for (const pid of pids) process.kill(pid, 'SIGINT');
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
};

describe('Ctrl-C on a long command', () => {
  let dataDir: string;

  beforeAll(async () => {
    // A log long enough that a rebuild and an export are still running when Ctrl-C comes.
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-interrupts-'));
    const store = openSqliteEventStore({ path: join(dataDir, 'events.db') });
    for (let batch = 0; batch < 20; batch += 1) {
      await Promise.all(
        Array.from({ length: 2_000 }, (_, index) => {
          const payment = { provider: 'kraken-embed', ref: `INT-${batch}-${index}` };
          const events: PaymentEvent[] = historyOf(
            aReportCommand('pending', { payment, key: `p-${batch}-${index}` }),
            aReportCommand('success', { payment, key: `s-${batch}-${index}` }),
          );
          return store.appendToStream(
            paymentStreamName(payment),
            events.map((event) => toNewEvent(event, randomUUID())),
            { expectedRevision: 'no_stream' },
          );
        }),
      );
    }
    await store.close();
  }, 120_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('projections rebuild: gives the terminal back, says what was left, removes its staging table', async () => {
    const { code, output } = await interruptOnTerminal(
      `${process.execPath} ${cliPath} projections rebuild`,
      `${cliPath} projections rebuild`,
      { PAYREC_DATA_DIR: dataDir },
      (drawn) => /payments \[.*\] [1-9]\d*%/.test(drawn),
    );
    expect(code).toBe(130);
    expect(output).toContain(showCursor);
    expect(output).toMatch(
      /payrec: rebuild of payments interrupted after [\d,]+ of [\d,]+ events; its live read model is unchanged and the partial copy was removed; not rebuilt: fulfilments, /,
    );
    const db = new Database(join(dataDir, 'readmodels.db'), { readonly: true });
    try {
      const staging = db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%staging%'",
        )
        .all();
      expect(staging).toEqual([]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('export: gives the terminal back and says the output is incomplete', async () => {
    const { code, output } = await interruptOnTerminal(
      `${process.execPath} ${cliPath} export events --format ndjson > /dev/null`,
      `${cliPath} export events --format ndjson`,
      { PAYREC_DATA_DIR: dataDir },
      (drawn) => /events [1-9][\d,]* rows/.test(drawn),
    );
    expect(code).toBe(130);
    expect(output).toContain(showCursor);
    expect(output).toMatch(
      /payrec: export of events interrupted after [\d,]+ rows: what was written is incomplete\./,
    );
  }, 60_000);
});
