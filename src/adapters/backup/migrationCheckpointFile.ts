import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { syncToDisk } from '../common/syncToDisk.js';

const checkpointSchema = z.object({
  target: z.string(),
  position: z.string().regex(/^\d+$/),
  copied: z.number().int().nonnegative(),
  at: z.string(),
});

/**
 * Where `payrec migrate` has got to for one target, in a file of the source's data directory
 * named by a hash of the target (a connection string's credentials never reach the disk): the
 * source position of the last page copied. Written durably after every page, so a killed run
 * resumes from there.
 */
export const migrationCheckpointFile = (dataDir: string, target: string) => {
  const key = createHash('sha256').update(target).digest('hex').slice(0, 16);
  const path = join(dataDir, `migrate-${key}.json`);
  return {
    path,
    read: (): bigint => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return 0n;
      }
      const parsed = checkpointSchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.target === key ? BigInt(parsed.data.position) : 0n;
    },
    write: (position: bigint, copied: number): void => {
      const staging = `${path}.tmp`;
      writeFileSync(
        staging,
        JSON.stringify({
          target: key,
          position: position.toString(),
          copied,
          at: new Date().toISOString(),
        }),
      );
      syncToDisk(staging);
      renameSync(staging, path);
    },
  };
};
