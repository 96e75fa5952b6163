/**
 * Why an outbound `fetch` got no answer, in words fit for an event or a log: the timeout, or the
 * connection error's code. Never the URL (it may carry credentials) nor the request.
 */
export const fetchFailure = (error: unknown, timeoutMs: number): string => {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string'
    ? `connection failed (${cause.code})`
    : 'connection failed';
};
