import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  postKrakenEmbedEvent,
  runCli,
  startService,
  type RunningService,
} from '../support/runningService.js';
import { cleanedUpAfterEach } from '../support/testCleanups.js';
import { waitFor } from '../support/waitFor.js';

const secret = Buffer.from('migrate-kraken-embed-secret-0123').toString('base64');
const apiToken = 'migrate-api-token-0123456789abcdef';

describe('payrec migrate: moving the event log to another store', () => {
  const { add: cleanUp, directory } = cleanedUpAfterEach();
  const serve = async (env: Record<string, string>): Promise<RunningService> => {
    const service = await startService(env);
    cleanUp(() => service.stop('SIGKILL'));
    return service;
  };

  it('copies every event, adds nothing the second time, and the copy serves the same payments', async () => {
    const env = {
      PAYREC_DATA_DIR: directory('migrate-source'),
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
      PAYREC_API_TOKEN: apiToken,
    };
    const source = await serve(env);
    for (let index = 0; index < 40; index += 1) {
      expect(
        await postKrakenEmbedEvent(source.baseUrl, secret, {
          id: `MG-${index}`,
          event_type: 'quote.executed',
        }),
      ).toBe(200);
    }
    expect(await source.stop()).toBe(0);

    const targetDir = join(directory('migrate-target'), 'store');
    const first = await runCli(['migrate', '--to', targetDir], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const digests = first.stdout.match(
      /^ {2}(source|target): ([\d,]+) events, sha256 ([0-9a-f]{64})$/gm,
    );
    expect(digests).toHaveLength(2);
    const [sourceLine, targetLine] = digests ?? [];
    expect(targetLine?.replace('target', 'source')).toBe(sourceLine);
    expect(first.stdout).toContain('payrec: the two logs are the same, event for event.');

    const second = await runCli(['migrate', '--to', targetDir], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^payrec: 0 events copied to .+ \(or found there already\) \(resumed after position \d+\)/,
    );
    expect(second.stdout).toContain(sourceLine);

    // The copy, served as a data directory of its own: every payment there.
    const copy = await serve({ ...env, PAYREC_DATA_DIR: targetDir });
    const headers = { authorization: `Bearer ${apiToken}` };
    const listed = await waitFor(async () => {
      const answer = (await (
        await fetch(`${copy.baseUrl}/payments?provider=kraken-embed&limit=100`, { headers })
      ).json()) as { items: Array<{ ref: string; status: string }> };
      return answer.items.length === 40 ? answer.items : undefined;
    }, 15_000);
    expect(listed.every((payment) => payment.status === 'success')).toBe(true);
  }, 90_000);

  it('refuses to merge into a store that holds events of its own, and says why', async () => {
    const env = { PAYREC_DATA_DIR: directory('merge-source'), KRAKEN_EMBED_WEBHOOK_SECRET: secret };
    const otherEnv = {
      PAYREC_DATA_DIR: directory('merge-other'),
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
    };
    for (const [environment, ref] of [
      [env, 'SAME-1'],
      [otherEnv, 'SAME-1'],
    ] as const) {
      const service = await serve(environment);
      expect(
        await postKrakenEmbedEvent(service.baseUrl, secret, {
          id: ref,
          event_type: 'quote.executed',
        }),
      ).toBe(200);
      await service.stop();
    }
    const merged = await runCli(['migrate', '--to', otherEnv.PAYREC_DATA_DIR], env);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toMatch(
      /^payrec: the target's stream payment-kraken-embed\/SAME-1 is at revision \d+ where the source's event \S+ is revision 0: the target holds events of its own\. Migrate into an empty store\.\n$/,
    );
    const itself = await runCli(['migrate', '--to', env.PAYREC_DATA_DIR], env);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain('is the configured store itself');
  }, 90_000);

  it("never prints an EventStoreDB connection string's credentials, even in a client's error", async () => {
    const env = { PAYREC_DATA_DIR: directory('unreachable-source') };
    const refused = await runCli(
      ['migrate', '--to', 'esdb://payrec:s3cret-password@127.0.0.1:9?tls=false'],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^payrec: the migration to esdb:\/\/127\.0\.0\.1:9\?tls=false stopped: .+ run the same command again to resume\.\n$/,
    );
    expect(refused.stdout + refused.stderr).not.toContain('s3cret-password');
  }, 30_000);
});
