import { describe, it } from 'vitest';
import { connectEventStoreDb } from '../../src/adapters/eventStore/index.js';
import { eventStoreContract } from './eventStore.contract.js';

const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];

if (connectionString === undefined || connectionString === '') {
  const reason =
    'EVENTSTORE_CONNECTION_STRING is not set, so the EventStoreDB contract run is skipped. ' +
    'Start one with `PAYREC_API_TOKEN=unused-for-this-0123 docker compose up eventstore` (compose reads the whole file, and payrec there requires a token) and run ' +
    '`EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false npm run test:contract`.';
  console.warn(`[payrec] ${reason}`);
  describe.skip(`EventStoreDB event store contract (${reason})`, () => {
    it('runs against a live EventStoreDB', () => undefined);
  });
} else {
  eventStoreContract(
    'EventStoreDB',
    () => {
      const store = connectEventStoreDb(connectionString);
      return Promise.resolve({ store, cleanup: () => store.close() });
    },
    { liveEventTimeoutMs: 10_000, densePositions: false },
  );
}
