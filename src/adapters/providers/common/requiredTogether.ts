import type { z } from 'zod';

/**
 * A refinement for a provider's fragment: variables that only work together are all set or
 * all unset. A half-configured status API would otherwise be silently off; this names what is
 * missing instead, at start-up.
 */
export const requiredTogether =
  (names: readonly string[], purpose: string) =>
  (env: Readonly<Record<string, unknown>>, context: z.RefinementCtx): void => {
    const set = names.filter((name) => env[name] !== undefined);
    if (set.length === 0 || set.length === names.length) return;
    for (const name of names.filter((candidate) => env[candidate] === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [name],
        message: `${purpose} needs ${names.join(', ')} together: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set, this is not`,
      });
    }
  };
