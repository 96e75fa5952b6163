/** What a verifier gets: the exact bytes, the headers (lower-case names), and the receive time. */
export type WebhookRequest = Readonly<{
  rawBody: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  receivedAt: Date;
}>;

/** One header's value; the first when a header was sent more than once. */
export const headerValue = (request: WebhookRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
