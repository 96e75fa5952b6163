import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  cliPath,
  postKrakenEmbedEvent,
  runCli,
  startService,
  type RunningService,
} from '../support/runningService.js';
import { cleanedUpAfterEach } from '../support/testCleanups.js';
import { waitFor } from '../support/waitFor.js';

const secret = Buffer.from('backup-drill-kraken-embed-secret').toString('base64');
const apiToken = 'backup-drill-api-token-0123456789abcdef';

type Manifest = {
  format: number;
  store: string;
  events: { count: number; lastPosition: string } | null;
  files: Array<{ name: string; bytes: number; sha256: string }>;
  tookMs: number;
};

/** Signed deliveries to `service` until stopped; the refs it acknowledged, in order. */
const sendUntilStopped = (service: RunningService, prefix: string) => {
  const acknowledged: string[] = [];
  const state = { sending: true };
  let sent = 0;
  const done = (async () => {
    while (state.sending) {
      const ref = `${prefix}-${sent}`;
      sent += 1;
      const status = await postKrakenEmbedEvent(service.baseUrl, secret, {
        id: ref,
        event_type: 'quote.executed',
      }).catch(() => -1);
      if (status === 200) acknowledged.push(ref);
    }
  })();
  return {
    acknowledged,
    stop: async () => {
      state.sending = false;
      await done;
    },
  };
};

describe('backup and restore, with payrec serving under load', () => {
  const { add: cleanUp, directory } = cleanedUpAfterEach();

  it('the drill: back up under load, kill -9, restore elsewhere, serve it with every delivery acknowledged before', async () => {
    const dataDir = directory('drill-data');
    const env = {
      PAYREC_DATA_DIR: dataDir,
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
      PAYREC_API_TOKEN: apiToken,
    };
    const service = await startService(env);
    cleanUp(async () => {
      await service.stop('SIGKILL');
    });
    const load = sendUntilStopped(service, 'BK');
    await waitFor(() => (load.acknowledged.length >= 300 ? true : undefined), 30_000);

    // Every delivery acknowledged before the backup starts must be in it.
    const acknowledgedBefore = [...load.acknowledged];
    const backups = directory('drill-backups');
    const backup = await runCli(['backup', '--to', join(backups, 'first')], env);
    const acknowledgedDuring = load.acknowledged.length - acknowledgedBefore.length;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^payrec: backed up [\d,]+ events, up to position \d+ to /);
    await load.stop();
    expect(acknowledgedDuring).toBeGreaterThan(0); // the load did run through the backup
    expect(await service.stop('SIGKILL')).toBeNull();

    const manifest = JSON.parse(
      readFileSync(join(backups, 'first', 'manifest.json'), 'utf8'),
    ) as Manifest;
    expect(manifest).toMatchObject({ format: 1, store: 'sqlite' });
    expect(manifest.files.map((file) => file.name)).toEqual([
      'readmodels.db',
      'payrec.db',
      'events.db',
    ]);
    expect(manifest.events?.count).toBeGreaterThanOrEqual(acknowledgedBefore.length);
    // Nothing but the copies and the manifest: no -wal or -shm, no staging left beside it.
    expect(readdirSync(join(backups, 'first')).sort()).toEqual([
      'events.db',
      'manifest.json',
      'payrec.db',
      'readmodels.db',
    ]);
    expect(readdirSync(backups)).toEqual(['first']);

    const restoredDir = join(directory('drill-restored'), 'data');
    const restoredEnv = { ...env, PAYREC_DATA_DIR: restoredDir };
    const restore = await runCli(['restore', '--from', join(backups, 'first')], restoredEnv);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(
      `restored ${manifest.events?.count.toLocaleString('en')} events`,
    );
    const check = await runCli(['check'], restoredEnv);
    expect(check.code).toBe(0);
    expect(check.stdout.match(/^ok /gm)).toHaveLength(3);

    const restored = await startService(restoredEnv);
    cleanUp(async () => {
      await restored.stop('SIGKILL');
    });
    const headers = { authorization: `Bearer ${apiToken}` };
    // The roles of the old store's holder are handed over at once, not after its TTL.
    await waitFor(async () => {
      const ready = (await (await fetch(`${restored.baseUrl}/readyz`)).json()) as {
        roles: string[];
      };
      return ready.roles.includes('projections') ? true : undefined;
    }, 5_000);
    const missing: string[] = [];
    for (const ref of acknowledgedBefore) {
      const answer = await fetch(`${restored.baseUrl}/payments/kraken-embed/${ref}`, { headers });
      if (answer.status !== 200) missing.push(ref);
    }
    expect(missing).toEqual([]);
    // The restored store takes new deliveries after the old ones.
    expect(
      await postKrakenEmbedEvent(restored.baseUrl, secret, {
        id: 'AFTER-RESTORE',
        event_type: 'quote.executed',
      }),
    ).toBe(200);
  }, 120_000);

  it('never overwrites, refuses a data directory that holds a store, and checks every checksum', async () => {
    const dataDir = directory('refusals-data');
    const env = { PAYREC_DATA_DIR: dataDir, KRAKEN_EMBED_WEBHOOK_SECRET: secret };
    const service = await startService(env);
    expect(
      await postKrakenEmbedEvent(service.baseUrl, secret, {
        id: 'R-1',
        event_type: 'quote.executed',
      }),
    ).toBe(200);
    await service.stop();
    const backups = directory('refusals-backups');
    const target = join(backups, 'taken');

    // A directory that holds anything is never written.
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'keep me');
    const refused = await runCli(['backup', '--to', target], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `payrec: ${target} already exists and is not empty: a backup never overwrites one. Choose a new directory.\n`,
    );
    expect(readdirSync(target)).toEqual(['notes.txt']);
    rmSync(target, { recursive: true });
    expect((await runCli(['backup', '--to', target], env)).code).toBe(0);

    // Restoring over a store: refused, naming what is there, nothing changed.
    const over = await runCli(['restore', '--from', target], env);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain(`PAYREC_DATA_DIR (${dataDir}) already holds a store (`);
    expect(over.stderr).toContain(join(dataDir, 'events.db'));

    // A damaged copy: found before anything is written.
    const damaged = join(backups, 'damaged');
    execFileSync('cp', ['-r', target, damaged]);
    const events = readFileSync(join(damaged, 'events.db'));
    events[events.length - 100] = (events[events.length - 100] ?? 0) ^ 0xff;
    writeFileSync(join(damaged, 'events.db'), events);
    const emptyDir = join(directory('refusals-empty'), 'data');
    const tampered = await runCli(['restore', '--from', damaged], {
      ...env,
      PAYREC_DATA_DIR: emptyDir,
    });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toBe(
      `payrec: the backup is damaged: ${join(damaged, 'events.db')}'s SHA-256 differs from the manifest's; nothing was restored.\n`,
    );
    expect(existsSync(emptyDir)).toBe(false);

    // Not a backup at all.
    const notBackup = await runCli(['restore', '--from', dataDir], {
      ...env,
      PAYREC_DATA_DIR: emptyDir,
    });
    expect(notBackup.code).toBe(1);
    expect(notBackup.stderr).toBe(
      `payrec: ${dataDir} is not a payrec backup: it has no manifest.json.\n`,
    );
    // Usage: the target is required.
    const usage = await runCli(['backup'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('backup needs --to <new directory>');
  }, 60_000);

  it('fails on a full disk with the reason, and leaves nothing behind', async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'payrec-backup-mount-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], {
        stdio: 'pipe',
      });
    } catch (error) {
      rmSync(mountPoint, { recursive: true, force: true });
      console.warn(
        `[payrec] full-disk backup test skipped: cannot mount a tmpfs here (${String(error).split('\n')[0] ?? ''})`,
      );
      return;
    }
    cleanUp(() => {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
      rmSync(mountPoint, { recursive: true, force: true });
    });
    const dataDir = directory('full-data');
    const env = { PAYREC_DATA_DIR: dataDir, KRAKEN_EMBED_WEBHOOK_SECRET: secret };
    const service = await startService(env);
    cleanUp(async () => {
      await service.stop('SIGKILL');
    });
    // A store larger than the 1 MB disk.
    for (let index = 0; index < 600; index += 1) {
      expect(
        await postKrakenEmbedEvent(service.baseUrl, secret, {
          id: `FULL-${index}`,
          event_type: 'quote.executed',
        }),
      ).toBe(200);
    }
    const full = await runCli(['backup', '--to', join(mountPoint, 'backup')], env);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(
      new RegExp(
        `^payrec: the disk that holds ${mountPoint} is full \\(.+\\): free space or back up elsewhere; nothing was kept\\.\\n$`,
      ),
    );
    expect(readdirSync(mountPoint)).toEqual([]);
  }, 60_000);

  it('stops on Ctrl-C, says so, and keeps nothing', async () => {
    const dataDir = directory('interrupt-data');
    const env = { PAYREC_DATA_DIR: dataDir, KRAKEN_EMBED_WEBHOOK_SECRET: secret };
    const service = await startService(env);
    await service.stop();
    // A store large enough (about 200 MB) that the copy is still under way when the signal comes.
    const big = new Database(join(dataDir, 'readmodels.db'));
    big.exec('CREATE TABLE ballast (b BLOB)');
    big.exec(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO ballast SELECT randomblob(2000) FROM n',
    );
    big.close();
    const backups = directory('interrupt-backups');
    const child = spawn(process.execPath, [cliPath, 'backup', '--to', join(backups, 'cut')], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await waitFor(() => (readdirSync(backups).length > 0 ? true : undefined), 10_000);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(130);
    expect(stderr).toBe(
      `payrec: backup interrupted; nothing was kept (no ${join(backups, 'cut')}).\n`,
    );
    expect(readdirSync(backups)).toEqual([]);
  }, 60_000);
});
