import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const cliPath = resolve(import.meta.dirname, '../dist/cli.js');

type Member = { child: ChildProcess | null; baseUrl: string | null; starts: number };

export type PayrecCluster = Readonly<{
  /** A live process's address, chosen by `turn`; `null` when every process is down. */
  urlOf: (turn: number) => string | null;
  start: (index: number) => Promise<void>;
  kill: (index: number) => boolean;
  stopAll: () => Promise<void>;
  /** Runs a payrec command to completion against the same data directory. */
  command: (args: readonly string[]) => Promise<{ code: number | null; output: string }>;
  /** The last lines each process wrote, for a failing run's report. */
  lastLines: () => readonly string[];
}>;

/**
 * The real `payrec serve`, as `count` processes on one data directory (the built CLI, so the
 * run exercises what users run), each restarted by the simulation after it kills it.
 */
export const createPayrecCluster = (
  env: Readonly<Record<string, string>>,
  count: number,
): PayrecCluster => {
  const members: Member[] = Array.from({ length: count }, () => ({
    child: null,
    baseUrl: null,
    starts: 0,
  }));
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
  };
  const childEnv = { PATH: process.env['PATH'] ?? '', ...env };

  const start = async (index: number) => {
    const member = members[index];
    if (!member || member.child !== null) return;
    member.starts += 1;
    const child = spawn(process.execPath, [cliPath, 'serve'], {
      env: {
        ...childEnv,
        PORT: '0',
        HOST: '127.0.0.1',
        PAYREC_INSTANCE_ID: `sim-${index}-${member.starts}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    member.child = child;
    const listening = new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`payrec ${index} did not start in 30 s`));
      }, 30_000);
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          remember(`[${index}] ${line}`);
          const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            resolveUrl(match[1]);
          }
        });
      }
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (member.child === child) {
          member.child = null;
          member.baseUrl = null;
        }
        reject(new Error(`payrec ${index} exited (${String(code ?? signal)}) before listening`));
      });
    });
    member.baseUrl = await listening;
  };

  return {
    urlOf: (turn) => {
      const live = members.filter((member) => member.baseUrl !== null);
      return live.length === 0 ? null : (live[turn % live.length]?.baseUrl ?? null);
    },
    start,
    kill: (index) => {
      const member = members[index];
      if (!member?.child || member.baseUrl === null) return false;
      member.child.kill('SIGKILL');
      member.child = null;
      member.baseUrl = null;
      return true;
    },
    stopAll: async () => {
      await Promise.all(
        members.map(async (member) => {
          const child = member.child;
          if (child === null || child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
          member.child = null;
          member.baseUrl = null;
        }),
      );
    },
    command: async (args) => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const [code] = (await once(child, 'exit')) as [number | null];
      return { code, output };
    },
    lastLines: () => [...lines],
  };
};
