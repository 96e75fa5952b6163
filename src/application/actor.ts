import { RequestRejected } from '../errors/index.js';

/** What a person may do: read, or also act (register, re-drive, replay, resolve). */
export type ActorRole = 'read' | 'operate';

/**
 * Who asks a use case: an API token's name and role, the console's signed-in person, or the
 * command line's user. Events of operator actions record the name.
 */
export type Actor = Readonly<{ name: string; role: ActorRole }>;

/**
 * Refuses a person who may only read (`FORBIDDEN`): every action checks this itself, whichever
 * way it was reached (the API refuses a read token earlier, at its edge, as well).
 */
export const requireOperate = (actor: Actor, action: string): void => {
  if (actor.role !== 'operate') {
    throw new RequestRejected(
      'FORBIDDEN',
      `${actor.name} may only read; ${action} needs the operate role.`,
    );
  }
};
