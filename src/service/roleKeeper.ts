import type { Logger } from 'pino';
import type { Clock, Fence, Lease, Leases } from '../domain/ports/index.js';

/** The work that must run in one process at a time over one store. */
export const roleNames = [
  'projections',
  'reconciler',
  'fulfilment',
  'delivery-log-repair',
  'backup',
] as const;
export type RoleName = (typeof roleNames)[number];

/**
 * A role's work: started when this process takes the role, with the fence its writes carry (the
 * role and the token of the lease taken), stopped when it loses or leaves it.
 */
export type RoleWork = Readonly<{ start: (fence: Fence) => void; stop: () => Promise<void> }>;

/** Two pieces of work as one role: started together, stopped together. */
export const bothOf = (first: RoleWork, second: RoleWork): RoleWork => ({
  start: (fence) => {
    first.start(fence);
    second.start(fence);
  },
  stop: async () => {
    await Promise.all([first.stop(), second.stop()]);
  },
});

/** What this process knows of a role: whether it holds it, and who does. */
export type RoleState = Readonly<{
  role: RoleName;
  held: boolean;
  /** The holder as last seen (this process or another), `null` when none was seen. */
  holder: string | null;
  /** This process's fencing token while it holds the role. */
  token: bigint | null;
  /** Since when this process holds it. */
  since: string | null;
}>;

export type RoleKeeperOptions = Readonly<{
  leases: Leases;
  instanceId: string;
  ttlMs: number;
  clock: Clock;
  logger: Logger;
  /** The roles this process may take, and their work. */
  work: Partial<Record<RoleName, RoleWork>>;
  /**
   * Whether a holder is certainly dead (a process of this host that no longer exists): its roles
   * are taken at once instead of after the TTL, so a restart after `kill -9` loses no time.
   * Anything uncertain must answer `false`. By default nothing is known dead.
   */
  isDead?: (holder: string) => boolean;
}>;

/**
 * Keeps this process's roles (docs/operations.md, "Several processes"): claims each role at start
 * and every third of the lease's TTL, so a live holder renews well inside it and a dead one's roles
 * pass to a survivor within the TTL and a renewal period. Taking a role starts its work; a claim
 * that finds another holder, or a lease that could not be renewed before it expired, stops it.
 * `stop` stops the work and releases the roles, so a clean restart hands them over at once.
 */
/* eslint-disable max-lines-per-function -- a factory: its closures share the roles held and the claim timer */
export const createRoleKeeper = ({
  leases,
  instanceId,
  ttlMs,
  clock,
  logger,
  work,
  isDead = () => false,
}: RoleKeeperOptions) => {
  const roles = roleNames.filter((role) => work[role] !== undefined);
  const states = new Map<RoleName, RoleState>(
    roles.map((role) => [role, { role, held: false, holder: null, token: null, since: null }]),
  );
  const expiries = new Map<RoleName, string>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let round: Promise<void> = Promise.resolve();

  const lose = async (role: RoleName, holder: string | null, why: string) => {
    const state = states.get(role);
    states.set(role, { role, held: false, holder, token: null, since: null });
    if (state?.held !== true) return;
    logger.warn({ role, holder }, `role lost (${why}): stopping its work here`);
    await work[role]?.stop();
  };

  const take = (role: RoleName, lease: Lease) => {
    const state = states.get(role);
    const now = clock.now().toISOString();
    states.set(role, {
      role,
      held: true,
      holder: instanceId,
      token: lease.token,
      since: state?.held === true ? state.since : now,
    });
    expiries.set(role, lease.expiresAt);
    if (state?.held === true) return;
    logger.info({ role, token: lease.token.toString() }, 'role taken: starting its work here');
    work[role]?.start({ role, token: lease.token });
  };

  const claimAll = async () => {
    for (const role of roles) {
      if (stopped) return;
      const now = clock.now();
      try {
        let claim = await leases.claim(role, instanceId, ttlMs, now);
        if (!claim.ok && isDead(claim.held.holder)) {
          // Released on behalf of a holder that no longer exists: only its own token can.
          await leases.release(role, claim.held.holder, claim.held.token);
          claim = await leases.claim(role, instanceId, ttlMs, now);
        }
        if (claim.ok) take(role, claim.lease);
        else await lose(role, claim.held.holder, `held by ${claim.held.holder}`);
      } catch (err) {
        // The lease could not be renewed: the work stops once it has expired, since another
        // process may take it from then on.
        const expiry = expiries.get(role);
        if (
          states.get(role)?.held === true &&
          (expiry === undefined || expiry <= now.toISOString())
        ) {
          await lose(role, null, 'its lease expired unrenewed');
        }
        logger.error({ err, role }, 'could not claim a role; trying again shortly');
      }
    }
  };

  const tick = () => {
    round = round.then(claimAll);
  };

  return {
    /** Claims every role once (resolving when done), then keeps claiming in the background. */
    start: async (): Promise<void> => {
      tick();
      await round;
      timer = setInterval(tick, Math.max(500, Math.floor(ttlMs / 3)));
      timer.unref();
    },
    held: (role: RoleName): boolean => states.get(role)?.held === true,
    status: (): RoleState[] => roles.map((role) => states.get(role) as RoleState),
    /** Stops claiming, stops the work of every held role and releases it. */
    stop: async (): Promise<void> => {
      stopped = true;
      if (timer !== null) clearInterval(timer);
      await round;
      for (const role of roles) {
        const state = states.get(role);
        if (state?.held !== true) continue;
        await work[role]?.stop();
        states.set(role, { ...state, held: false, token: null, since: null });
        await leases.release(role, instanceId, state.token ?? 0n).catch((err: unknown) => {
          logger.warn({ err, role }, 'could not release a role; it expires by itself');
        });
      }
    },
  };
};
/* eslint-enable max-lines-per-function */

export type RoleKeeper = ReturnType<typeof createRoleKeeper>;
