/** One fulfilment notification: its idempotency key and the exact body every attempt sends. */
export type FulfilmentMessage = Readonly<{ id: string; body: string }>;

export type SendOutcome =
  | Readonly<{ kind: 'delivered'; responseStatus: number }>
  | Readonly<{ kind: 'failed'; reason: string }>;

/**
 * Sends one fulfilment notification to the merchant's receiver. Never throws: a failure, a
 * timeout included, is an outcome with a reason that names no secret and no URL.
 */
export type FulfilmentSender = (message: FulfilmentMessage, at: Date) => Promise<SendOutcome>;
