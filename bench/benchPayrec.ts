/**
 * What the ingest and projection benchmarks share: the built payrec server as a process on a
 * free loopback port, and the load generator (`ingestLoad.ts`) as another.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import type { SimulatorCredentials } from '../src/simulator/index.js';
import { payrecEnvironmentFor } from '../src/simulator/index.js';

/** An integer setting of a benchmark from the environment, its default, and its least value. */
export const integerFrom = (name: string, fallback: number, least: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < least)
    throw new Error(`${name} must be an integer of at least ${least}`);
  return value;
};

export type LoadResult = {
  scenario: string;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time the load generator itself used while sending, in ms. */
  loadCpuMs: number;
};

export type PayrecProcess = Readonly<{ child: ChildProcess; url: string }>;

/**
 * Starts the built payrec service (`bench/benchServer.ts`: what `payrec serve` runs, plus a
 * no-op route for comparison) against the simulator's credentials; resolves with its URL.
 */
export const startPayrec = async ({
  credentials,
  simulatorUrl,
  dataDir,
  writer,
  env = {},
  nodeArgs = [],
}: Readonly<{
  credentials: SimulatorCredentials;
  simulatorUrl: string;
  dataDir: string;
  writer: 'inline' | 'thread';
  /** More of payrec's environment (a benchmark's own settings). */
  env?: Record<string, string>;
  /** Node's own options for the service, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: readonly string[];
}>): Promise<PayrecProcess> => {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/benchServer.ts'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...payrecEnvironmentFor(credentials, simulatorUrl),
      PORT: '0',
      HOST: '127.0.0.1',
      PAYREC_DATA_DIR: dataDir,
      PAYREC_LOG_LEVEL: 'warn',
      PAYREC_SQLITE_WRITER: writer,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // At warn level payrec logs nothing on start, so ask the OS which port it took.
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      process.stderr.write(`payrec: ${line}\n`);
    });
    child.once('exit', (code) => {
      reject(new Error(`payrec exited with ${String(code)}`));
    });
    const poll = setInterval(() => {
      void findListeningPort(child.pid ?? 0).then((port) => {
        if (port !== null) {
          clearInterval(poll);
          resolve(`http://127.0.0.1:${port}`);
        }
      });
    }, 100);
  });
  return { child, url };
};

/** CPU time a process has used so far, in ms: its main thread (the event loop) and the rest. */
export type ProcessCpu = Readonly<{ eventLoopMs: number; otherThreadsMs: number }>;

/** Reads a process's CPU time per thread from /proc (Linux); zeros where there is no /proc. */
export const processCpu = async (pid: number): Promise<ProcessCpu> => {
  const { readFile, readdir } = await import('node:fs/promises');
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let eventLoopMs = 0;
  let otherThreadsMs = 0;
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / ticksPerMs;
    if (tid === String(pid)) eventLoopMs += ms;
    else otherThreadsMs += ms;
  }
  return { eventLoopMs, otherThreadsMs };
};

/** The TCP port a process listens on, from /proc (Linux), or null while it has none. */
export const findListeningPort = async (pid: number): Promise<number | null> => {
  const { readFile, readdir, readlink } = await import('node:fs/promises');
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match?.[1]) inodes.add(match[1]);
  }
  const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [, local = '', , state, , , , , , inode = ''] = fields;
    if (state === '0A' && inodes.has(inode)) return Number.parseInt(local.split(':')[1] ?? '0', 16);
  }
  return null;
};

/** Runs the load generator as its own process and resolves with its figures. */
export const runLoad = (
  scenario: string,
  target: string,
  credentialsPath: string,
  amount: number,
  refs: 'ordered' | 'random' = 'ordered',
) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/ingestLoad.ts',
        scenario,
        target,
        credentialsPath,
        String(amount),
        refs,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '')
        reject(new Error(`load generator failed (${String(code)}): ${output}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });

/**
 * Watches a process's peak resident set (VmHWM, read every 20 ms while it runs); `stop` ends the
 * watch and says the peak in MB.
 */
export const watchPeakRss = (pid: number | undefined): Readonly<{ stop: () => number }> => {
  let peakKb = 0;
  const watch = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      /* gone */
    }
  }, 20);
  return {
    stop: () => {
      clearInterval(watch);
      return peakKb / 1024;
    },
  };
};
