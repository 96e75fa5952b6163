import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets or signatures in constant time. Both sides are hashed first, so neither
 * the content nor the length of the expected value leaks through timing (a plain length check
 * before `timingSafeEqual` would reveal the length of the configured secret).
 */
export const constantTimeEqual = (
  received: string | Buffer,
  expected: string | Buffer,
): boolean => {
  const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(received), digest(expected));
};
