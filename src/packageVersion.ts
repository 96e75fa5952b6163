import { readFileSync } from 'node:fs';

/** payrec's version, from its package manifest (one directory above `src/` and `dist/`). */
export const packageVersion = (): string => {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
};
