/**
 * `API-Nonce` must always increase (an unsigned 64-bit integer): microseconds since the epoch,
 * bumped past the previous one when two calls fall in the same microsecond.
 */
export const createKrakenApiNonce = () => {
  let last = 0n;
  return (): string => {
    const now = BigInt(Date.now()) * 1000n;
    last = now > last ? now : last + 1n;
    return last.toString();
  };
};
