import type { Lease, LeaseClaim } from './ports/leases.js';

/**
 * What a claim on a role does, given the lease that stands (or none): the one rule both event
 * store adapters apply inside their own compare-and-set. A free or expired role is taken, with a
 * token one above the last (fencing); the holder's own claim renews it, keeping the token;
 * anyone else's is refused, naming the holder.
 */
export const decideClaim = (
  current: Lease | null,
  {
    role,
    holder,
    now,
    expiresAt,
  }: Readonly<{
    role: string;
    holder: string;
    /** ISO-8601 instants (`toISOString`), which compare as strings. */
    now: string;
    expiresAt: string;
  }>,
): LeaseClaim => {
  if (current === null) {
    return { ok: true, taken: true, lease: { role, holder, token: 1n, since: now, expiresAt } };
  }
  if (current.holder === holder) {
    return { ok: true, taken: false, lease: { ...current, expiresAt } };
  }
  if (current.expiresAt <= now) {
    return {
      ok: true,
      taken: true,
      lease: { role, holder, token: current.token + 1n, since: now, expiresAt },
    };
  }
  return { ok: false, held: current };
};
