import {
  BACKWARDS,
  END,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { decideClaim } from '../../../domain/index.js';
import type { Lease, LeaseClaim, Leases } from '../../../domain/ports/index.js';

/** A role's stream: `payrec-lease-<role>`, outside the payment streams every reader follows. */
const streamOf = (role: string): string => `payrec-lease-${role}`;

/** Claims and releases are events; only the latest matters, so the stream keeps the last few. */
const keptEvents = 10;

type Latest = Readonly<{ lease: Lease | null; revision: bigint | null }>;

const leaseOf = (role: string, data: unknown): Lease | null => {
  const { holder, token, since, expiresAt } = (data ?? {}) as Record<string, unknown>;
  return typeof holder === 'string' &&
    typeof token === 'string' &&
    typeof since === 'string' &&
    typeof expiresAt === 'string'
    ? { role, holder, token: BigInt(token), since, expiresAt }
    : null;
};

/**
 * EventStoreDB's leases: a stream per role whose last event is the lease, claimed by appending
 * at the revision that was read (the server's optimistic concurrency is the compare-and-set),
 * and capped with `$maxCount` so that renewals every few seconds do not pile up. Type-checked
 * against the real client; its contract tests run when `EVENTSTORE_CONNECTION_STRING` is set.
 */
/** The leases, and the token a role's lease has now (for fenced appends). */
export type EsdbLeases = Leases & Readonly<{ tokenOf: (role: string) => Promise<bigint | null> }>;

/* eslint-disable max-lines-per-function -- a factory: claim, renew, release and read, each a short closure over one client */
export const createEsdbLeases = (client: EventStoreDBClient): EsdbLeases => {
  const latest = async (role: string): Promise<Latest> => {
    try {
      for await (const resolved of client.readStream(streamOf(role), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        const event = resolved.event;
        if (event !== undefined)
          return { lease: leaseOf(role, event.data), revision: event.revision };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { lease: null, revision: null };
  };

  const write = async (role: string, type: string, lease: Lease, revision: bigint | null) => {
    await client.appendToStream(
      streamOf(role),
      jsonEvent({
        type,
        data: {
          holder: lease.holder,
          token: lease.token.toString(),
          since: lease.since,
          expiresAt: lease.expiresAt,
        },
      }),
      { expectedRevision: revision ?? NO_STREAM },
    );
    if (revision === null) await client.setStreamMetadata(streamOf(role), { maxCount: keptEvents });
  };

  /** One claim at the revision read; `null` when another process wrote in between. */
  const claimOnce = async (
    role: string,
    holder: string,
    ttlMs: number,
    now: Date,
  ): Promise<LeaseClaim | null> => {
    const { lease, revision } = await latest(role);
    const decided = decideClaim(lease, {
      role,
      holder,
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    });
    if (!decided.ok) return decided;
    try {
      await write(role, decided.taken ? 'LeaseTaken' : 'LeaseRenewed', decided.lease, revision);
      return decided;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return null;
      throw error;
    }
  };

  return {
    // Another process wrote in between: decide again on what it wrote (it most likely holds the
    // role now), a few times at most.
    claim: async (role, holder, ttlMs, now) => {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const claim = await claimOnce(role, holder, ttlMs, now);
        if (claim !== null) return claim;
      }
      throw new Error(`The lease of role "${role}" kept changing under three claims; try again.`);
    },
    release: async (role, holder, token) => {
      const { lease, revision } = await latest(role);
      if (lease?.holder !== holder || lease.token !== token) return;
      try {
        await write(
          role,
          'LeaseReleased',
          { ...lease, expiresAt: new Date(0).toISOString() },
          revision,
        );
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    },
    tokenOf: async (role) => (await latest(role)).lease?.token ?? null,
    holderOf: async (role, now) => {
      const { lease } = await latest(role);
      return lease !== null && lease.expiresAt > now.toISOString() ? lease : null;
    },
  };
};
/* eslint-enable max-lines-per-function */
