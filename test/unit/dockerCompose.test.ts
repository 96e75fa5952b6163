import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Compose = {
  services: Record<string, { environment?: Record<string, string>; ports?: string[] }>;
};

const compose = parse(
  readFileSync(resolve(import.meta.dirname, '../../docker-compose.yml'), 'utf8'),
) as Compose;

describe('docker-compose.yml', () => {
  it('requires an API token for payrec, so its API answers clients outside the container', () => {
    // `${VAR:?message}`: compose refuses to start, with the message, when it is unset or empty.
    expect(compose.services['payrec']?.environment?.['PAYREC_API_TOKEN']).toMatch(
      /^\$\{PAYREC_API_TOKEN:\?.*at least 16 characters.*\}$/,
    );
  });

  it("wires payrec to the EventStoreDB beside it and publishes payrec's port", () => {
    const payrec = compose.services['payrec'];
    expect(payrec?.environment?.['EVENTSTORE_CONNECTION_STRING']).toBe(
      'esdb://eventstore:2113?tls=false',
    );
    expect(payrec?.ports).toContain(`${payrec?.environment?.['PORT'] ?? ''}:8080`);
  });
});
