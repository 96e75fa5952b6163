import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../src/adapters/eventStore/index.js';

const storeModule = resolve(import.meta.dirname, '../../dist/adapters/eventStore/index.js');

/** A separate process that opens the store at `path` and claims `role` at `startAt` (ms). */
const claimInAProcess = async (path: string, holder: string, startAt: number) => {
  const script = `
    const { openSqliteEventStore } = await import(${JSON.stringify(storeModule)});
    const store = openSqliteEventStore({ path: ${JSON.stringify(path)} });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ${startAt} - Date.now())));
    const claim = await store.leases.claim('dispatcher', ${JSON.stringify(holder)}, 15000, new Date());
    process.stdout.write(JSON.stringify({ ok: claim.ok, holder: claim.ok ? claim.lease.holder : claim.held.holder }));
    await store.close();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
  return JSON.parse(out) as { ok: boolean; holder: string };
};

describe('leases across processes on one data directory', () => {
  let dir: string;
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a role that six processes claim at the same instant to exactly one of them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'payrec-leases-'));
    const path = join(dir, 'events.db');
    // Create the database first, as payrec serve would.
    await openSqliteEventStore({ path }).close();
    const startAt = Date.now() + 1_500;
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, index) => claimInAProcess(path, `process-${index}`, startAt)),
    );
    const winners = claims.filter((claim) => claim.ok);
    expect(winners).toHaveLength(1);
    expect(new Set(claims.map((claim) => claim.holder))).toEqual(new Set([winners[0]?.holder]));
  });
});
