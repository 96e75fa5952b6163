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

/**
 * Compares a received signature with the expected one in constant time, after a length check
 * (a signature's length is public: it is fixed by its algorithm), as the Standard Webhooks
 * specification does. Cheaper than `constantTimeEqual` on the per-delivery path.
 */
export const signaturesEqual = (received: string, expected: string): boolean => {
  const left = Buffer.from(received, 'utf8');
  const right = Buffer.from(expected, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};
