/**
 * Roles held by one process at a time (the reconciliation poller, the fulfilment dispatcher, …):
 * leases kept in the event store, so that the same code serves the embedded store and
 * EventStoreDB, and every process on a store sees the same holder. Implemented by both event
 * store adapters; the contract suite (`test/contract/eventStore.contract.ts`) holds them to it.
 */

/**
 * A role's lease: who holds it and until when. `token` is the fencing token: it grows with every
 * change of holder (never with a renewal), so work stamped with an older token is recognisably
 * stale once another process has taken over.
 */
export type Lease = Readonly<{
  role: string;
  holder: string;
  token: bigint;
  /** When this holder took the role (renewals keep it). */
  since: string;
  expiresAt: string;
}>;

/** A claim's outcome: the lease (`taken` when this claim made the holder change), or who holds it. */
export type LeaseClaim =
  Readonly<{ ok: true; lease: Lease; taken: boolean }> | Readonly<{ ok: false; held: Lease }>;

export type Leases = Readonly<{
  /**
   * Takes the role for `holder` until `now + ttlMs` when it is free, expired or already the
   * holder's (a renewal keeps the token); otherwise answers who holds it. Two claims at once
   * never both succeed. I/O failures reject.
   */
  claim: (role: string, holder: string, ttlMs: number, now: Date) => Promise<LeaseClaim>;
  /** Gives the role up at once, if `holder` still holds it under `token`; otherwise nothing. */
  release: (role: string, holder: string, token: bigint) => Promise<void>;
  /** The role's lease if one is held at `now` (unexpired), else `null`. */
  holderOf: (role: string, now: Date) => Promise<Lease | null>;
}>;
