import type { z } from 'zod';

/**
 * The fields a zod error names, comma-separated (`"id, timestamp"`), for rejection reasons that
 * say what to fix without echoing the values; `whole` stands for an issue about the input as a whole.
 */
export const failingFields = (error: z.ZodError, whole: string): string =>
  [...new Set(error.issues.map((issue) => issue.path.join('.') || whole))].join(', ');
