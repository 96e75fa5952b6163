import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openSqliteEventStore,
  type SqliteEventStore,
} from '../../src/adapters/eventStore/index.js';

/** An embedded store in a fresh temporary directory, removed by `cleanup`. */
export const temporarySqliteStore = (): {
  store: SqliteEventStore;
  directory: string;
  cleanup: () => Promise<void>;
} => {
  const directory = mkdtempSync(join(tmpdir(), 'payrec-test-'));
  const store = openSqliteEventStore({ path: join(directory, 'events.db') });
  return {
    store,
    directory,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
};
