import { hostname } from 'node:os';

/**
 * Whether an instance id names a process of this host that no longer exists: the default ids
 * are `<host>:<pid>`, so on one host a restarted payrec can see that the holder it replaces is
 * gone (`kill(pid, 0)` answers ESRCH) and take its roles at once. Anything else (another host, a
 * chosen id, a pid in use, no permission to ask) is not known dead.
 */
export const deadLocalProcess = (holder: string): boolean => {
  const match = /^(.+):(\d+)$/.exec(holder);
  if (match === null || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};
