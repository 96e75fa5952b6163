import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  postKrakenEmbedEvent,
  startService,
  type RunningService,
} from '../support/runningService.js';
import { waitFor } from '../support/waitFor.js';

const secret = Buffer.from('rolling-restart-kraken-embed-secret').toString('base64');
const roles = ['delivery-log-repair', 'projections', 'reconciler'];
const ttlSeconds = 3;

const rolesOf = async (service: RunningService): Promise<string[]> => {
  try {
    return ((await (await fetch(`${service.baseUrl}/readyz`)).json()) as { roles: string[] }).roles;
  } catch {
    return []; // stopping, or gone
  }
};

describe('a rolling restart of two processes on one data directory', () => {
  let dataDir: string;
  let services: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses no delivery, loses none it acknowledged, and leaves no role unheld for the TTL', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-rolling-'));
    const env = (name: string) => ({
      PAYREC_DATA_DIR: dataDir,
      PAYREC_INSTANCE_ID: name,
      PAYREC_LEASE_TTL: String(ttlSeconds),
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
    });
    services = [await startService(env('a1')), await startService(env('b1'))];
    /** The balancer's members: a process leaves it before it is stopped, as docs/operations.md says. */
    let members = [...services];

    // Signed deliveries, round robin over the members, for as long as the restart takes.
    const acknowledged: string[] = [];
    const refused: Array<{ ref: string; status: number }> = [];
    const running = { sending: true, watching: true };
    let sent = 0;
    const sender = (async () => {
      while (running.sending) {
        const ref = `RR-${sent}`;
        const member = members[sent % members.length] as RunningService;
        sent += 1;
        const status = await postKrakenEmbedEvent(member.baseUrl, secret, {
          id: ref,
          event_type: 'quote.executed',
        }).catch(() => -1); // a connection the balancer would retry elsewhere
        if (status === 200) acknowledged.push(ref);
        else refused.push({ ref, status });
      }
    })();

    // Every 100 ms: which roles some process holds; the longest stretch each went unheld.
    const lastHeld = new Map(roles.map((role) => [role, Date.now()]));
    const longestGap = new Map(roles.map((role) => [role, 0]));
    const watcher = (async () => {
      while (running.watching) {
        const held = new Set((await Promise.all(services.map(rolesOf))).flat());
        const now = Date.now();
        for (const role of roles) {
          const since = lastHeld.get(role) ?? now;
          longestGap.set(role, Math.max(longestGap.get(role) ?? 0, now - since));
          if (held.has(role)) lastHeld.set(role, now);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // One process after the other: out of the balancer, SIGTERM, a new one in its place.
    await waitFor(() => (acknowledged.length > 100 ? true : undefined), 15_000);
    for (const [old, name] of [
      [services[0], 'a2'],
      [services[1], 'b2'],
    ] as const) {
      members = members.filter((member) => member !== old);
      expect(await old?.stop('SIGTERM')).toBe(0);
      const fresh = await startService(env(name));
      services = [...services.filter((service) => service !== old), fresh];
      members = [...members, fresh];
      const before = acknowledged.length;
      await waitFor(() => (acknowledged.length > before + 100 ? true : undefined), 15_000);
    }
    running.sending = false;
    await sender;
    running.watching = false;
    await watcher;

    expect(refused).toEqual([]);
    expect(acknowledged.length).toBe(sent);
    // Every acknowledged delivery is in the log…
    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    try {
      const streams = new Set(
        db
          .prepare<[], { stream_name: string }>(
            "SELECT DISTINCT stream_name FROM events WHERE stream_name LIKE 'payment-kraken-embed/RR-%'",
          )
          .all()
          .map((row) => row.stream_name),
      );
      expect(acknowledged.filter((ref) => !streams.has(`payment-kraken-embed/${ref}`))).toEqual([]);
    } finally {
      db.close();
    }
    // …and shown by the processes now running.
    for (const service of services) {
      await waitFor(async () => {
        const answer = (await (
          await fetch(`${service.baseUrl}/payments?provider=kraken-embed&status=success&limit=1`)
        ).json()) as { items: unknown[] };
        const last = await fetch(
          `${service.baseUrl}/payments/kraken-embed/${acknowledged.at(-1) ?? ''}`,
        );
        return answer.items.length === 1 && last.status === 200 ? true : undefined;
      }, 15_000);
    }
    // No role went unheld for as long as its TTL.
    for (const role of roles) {
      expect(longestGap.get(role), role).toBeLessThan(ttlSeconds * 1000);
    }
  }, 120_000);
});
