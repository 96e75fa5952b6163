import { text } from 'node:stream/consumers';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ExportRow, RowSource } from '../../../../src/application/exports.js';
import { tabularStream } from '../../../../src/adapters/common/tabular.js';

const rowsOf = (count: number, offset = 0): ExportRow[] =>
  Array.from({ length: count }, (_, index) => [`p-${offset + index}`, offset + index, null]);

const source = (pages: ExportRow[][]): RowSource => ({ columns: ['ref', 'amount', 'note'], pages });

/** An export shares the service's event loop with webhooks: it must let it turn. */
describe('an export written as CSV or NDJSON', () => {
  it('writes every row once, in order, with one header', async () => {
    const csv = await text(tabularStream(source([rowsOf(250), rowsOf(3, 250)]), 'csv'));
    const lines = csv.split('\r\n').filter((line) => line !== '');
    expect(lines[0]).toBe('ref,amount,note');
    expect(lines).toHaveLength(254);
    expect(lines[1]).toBe('p-0,0,');
    expect(lines.at(-1)).toBe('p-252,252,');
    const ndjson = await text(tabularStream(source([rowsOf(150)]), 'ndjson'));
    expect(ndjson.trim().split('\n')).toHaveLength(150);
    expect(JSON.parse(ndjson.split('\n')[149] ?? '')).toEqual({
      ref: 'p-149',
      amount: 149,
      note: null,
    });
  });

  it('writes the header alone when nothing matches', async () => {
    expect(await text(tabularStream(source([]), 'csv'))).toBe('ref,amount,note\r\n');
  });

  it('lets the event loop turn between slices of a page, not only between pages', async () => {
    // Two pages of 1,000 rows: written a page at a time, the loop would turn once or twice.
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await text(tabularStream(source([rowsOf(1_000), rowsOf(1_000, 1_000)]), 'csv'));
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(15);
  });
});

describe('a thread that yields the CPU to the others', () => {
  it('runs at a lower priority (nice 10) while the thread that started it keeps its own', async () => {
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const worker = new Worker(
      `import('tsx/esm/api').then(async ({ register }) => {
        register();
        const { yieldCpuToOtherThreads } = await import(${JSON.stringify(new URL('../../../../src/adapters/common/yieldCpu.ts', import.meta.url).href)});
        yieldCpuToOtherThreads();
        const { readFileSync } = await import('node:fs');
        const { parentPort } = await import('node:worker_threads');
        parentPort.postMessage(readFileSync('/proc/thread-self/stat', 'utf8'));
      });`,
      { eval: true },
    );
    const stat = await new Promise<string>((resolve) => {
      worker.once('message', resolve);
    });
    await worker.terminate();
    const { readFileSync } = await import('node:fs');
    expect(niceOf(stat)).toBe(10);
    expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(0);
  });
});
