/**
 * One fulfilment notification: its idempotency key and the exact body every attempt sends, and
 * the W3C `traceparent` its transition was recorded under, when it was traced (sent on as a
 * header, so the merchant's backend continues the delivery's trace).
 */
export type FulfilmentMessage = Readonly<{ id: string; body: string; traceparent?: string }>;

export type SendOutcome =
  | Readonly<{ kind: 'delivered'; responseStatus: number }>
  | Readonly<{ kind: 'failed'; reason: string }>;

/**
 * Sends one fulfilment notification to the merchant's receiver. Never throws: a failure, a
 * timeout included, is an outcome with a reason that names no secret and no URL.
 */
export type FulfilmentSender = (message: FulfilmentMessage, at: Date) => Promise<SendOutcome>;
