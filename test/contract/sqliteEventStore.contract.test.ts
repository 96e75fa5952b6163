import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/adapters/eventStore/index.js';
import { eventStoreContract } from './eventStore.contract.js';

eventStoreContract('SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'payrec-contract-'));
  const store = openSqliteEventStore({ path: join(directory, 'events.db') });
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  });
});
