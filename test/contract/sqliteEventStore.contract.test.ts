import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openSqliteEventStore,
  type SqliteEventStoreOptions,
} from '../../src/adapters/eventStore/index.js';
import { eventStoreContract } from './eventStore.contract.js';

const onDisk = (writer: SqliteEventStoreOptions['writer']) => () => {
  const directory = mkdtempSync(join(tmpdir(), 'payrec-contract-'));
  const store = openSqliteEventStore({
    path: join(directory, 'events.db'),
    ...(writer ? { writer } : {}),
  });
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  });
};

const dense = { densePositions: true };

eventStoreContract('SQLite (inline writer, the default)', onDisk(undefined), dense);
eventStoreContract('SQLite (writer thread)', onDisk('thread'), dense);
eventStoreContract(
  'SQLite (in memory)',
  () => {
    const store = openSqliteEventStore({ path: ':memory:' });
    return Promise.resolve({ store, cleanup: () => store.close() });
  },
  dense,
);
