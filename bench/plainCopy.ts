/**
 * `BENCH_BACKUP_PLAIN` in `bench:backup`: what a backup's bytes alone cost the webhooks. Copies the
 * store's database files into a directory byte for byte (no snapshot, so not a backup anyone could
 * restore), at the backup's pace and flushed as the backup flushes its copy (every 4 MiB), then
 * reads each copy back at the pace of the backup's checksums (read, not hashed: SHA-256 takes
 * about a fifth of a core at that pace). Whatever a backup costs beyond this is
 * SQLite's (a held snapshot, the WAL it gathers); this much any copy of these bytes at this pace
 * costs on this disk.
 *
 * Usage: node --import tsx bench/plainCopy.ts <data dir> <target dir> <megabytes a second>
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [from, to, mbText] = process.argv.slice(2);
if (from === undefined || to === undefined || mbText === undefined) {
  throw new Error('usage: plainCopy.ts <data dir> <target dir> <megabytes a second>');
}
const bytesPerSecond = Number(mbText) * 1_000_000;
const chunk = Buffer.allocUnsafe(1 << 20);
const pause = (ms: number): void => {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Reads `path` 1 MiB at a time, paced at `rate` bytes a second, handing each chunk on. */
const readPaced = (path: string, rate: number, each: (bytes: number, done: number) => void) => {
  const fd = openSync(path, 'r');
  const started = performance.now();
  let done = 0;
  try {
    for (;;) {
      const bytes = readSync(fd, chunk, 0, chunk.length, null);
      if (bytes === 0) return;
      done += bytes;
      each(bytes, done);
      pause((done / rate) * 1000 - (performance.now() - started));
    }
  } finally {
    closeSync(fd);
  }
};

mkdirSync(to, { recursive: true });
for (const name of ['readmodels.db', 'payrec.db', 'events.db']) {
  const out = openSync(join(to, name), 'w');
  try {
    readPaced(join(from, name), bytesPerSecond, (bytes, done) => {
      writeSync(out, chunk, 0, bytes);
      if (done % (4 << 20) === 0) fsyncSync(out);
    });
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
  readPaced(join(to, name), 4 * bytesPerSecond, () => undefined);
}
