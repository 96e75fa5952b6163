import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from './webhookBuilders.js';

export const cliPath = resolve(import.meta.dirname, '../../dist/cli.js');

export type RunningService = Readonly<{
  process: ChildProcess;
  baseUrl: string;
  dataDir: string;
  /** Every line the service wrote, stdout and stderr. */
  output: string[];
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** Removes the data directory (after `stop`). */
  removeData: () => void;
}>;

/**
 * Starts the built `payrec serve` as a process on a free loopback port with its own data
 * directory, and resolves once it says it is listening.
 */
export const startService = async (env: Record<string, string> = {}): Promise<RunningService> => {
  const dataDir = env['PAYREC_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'payrec-e2e-'));
  const child = spawn(process.execPath, [cliPath, 'serve'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      PAYREC_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const listening = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`payrec did not start within 15 s:\n${output.join('\n')}`));
    }, 15_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`payrec exited with ${String(code)} before listening:\n${output.join('\n')}`),
      );
    });
  });
  const baseUrl = await listening;
  return {
    process: child,
    baseUrl,
    dataDir,
    output,
    removeData: () => {
      rmSync(dataDir, { recursive: true, force: true });
    },
    stop: async (signal = 'SIGTERM') => {
      // Already gone (it exited, or a fail point killed it): nothing to wait for.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
};

/** Runs the built CLI to completion. */
export const runCli = async (
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
};

/** POSTs a Kraken Embed event, signed with `secret`, to a running payrec; resolves with the status. */
export const postKrakenEmbedEvent = async (
  baseUrl: string,
  secret: string,
  event: Record<string, unknown>,
): Promise<number> => {
  const { payload, headers } = signedKrakenEmbedDelivery({
    body: aKrakenEmbedEvent(event),
    secret,
    at: new Date(),
  });
  const response = await fetch(`${baseUrl}/webhooks/kraken-embed`, {
    method: 'POST',
    headers,
    body: payload,
  });
  return response.status;
};
