import {
  initialState,
  known,
  type EvidenceMark,
  type KnownPayment,
  type StatusOrigin,
} from '../domain/index.js';

/**
 * A payment as the payments read model gives it back: the domain's state with the stream
 * revision of the last event applied, less the delivery keys seen (only the decider, which folds
 * the stream itself, asks whether a delivery was seen; the read model never decides).
 */
export type StoredPayment = Omit<KnownPayment, 'seenDeliveryKeys'> &
  Readonly<{
    /** The stream revision of the last event applied. */
    version: number;
  }>;

/** A payment's document as the payments projection writes it (`paymentDocumentOf`). */
export type PaymentDocument = Readonly<Record<string, unknown>>;

/**
 * The fields a stored document leaves out while they hold the value a payment starts with (the
 * domain's own starting payment says which, and what): most payments never get a discrepancy,
 * a held-back report, a hint or a status check, and writing `"openDiscrepancies":[]` and its
 * like into every row cost a fifth of the document.
 */
const {
  status: _status,
  payment: _payment,
  createdAt: _createdAt,
  updatedAt: _updatedAt,
  seenDeliveryKeys: _seenDeliveryKeys,
  lastEvidence: _lastEvidence,
  statusOrigin: _statusOrigin,
  ...startingValues
} = known(initialState(), { provider: 'kraken-pay', ref: 'starting-values' }, '');

type Leftable = keyof typeof startingValues;

const isStartingValue = (field: string, value: unknown): boolean => {
  if (!(field in startingValues)) return false;
  const start = startingValues[field as Leftable];
  return (
    value === start ||
    (Array.isArray(value) && value.length === 0 && Array.isArray(start) && start.length === 0)
  );
};

const sameMark = (a: EvidenceMark | null, b: EvidenceMark | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.deliveryKey === b.deliveryKey &&
    a.channel === b.channel &&
    a.at === b.at &&
    a.method === b.method);

const originOf = (mark: EvidenceMark | null): StatusOrigin | null =>
  mark === null ? null : { deliveryKey: mark.deliveryKey, channel: mark.channel, at: mark.at };

const sameOrigin = (a: StatusOrigin | null, b: StatusOrigin | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.deliveryKey === b.deliveryKey &&
    a.channel === b.channel &&
    a.at === b.at);

/**
 * The document the payments projection writes for a payment: its state less the delivery keys
 * seen, less each field still at its starting value, less `lastEvidence` while it is the first
 * evidence and `statusOrigin` while it is the latest evidence (a payment reported once, the
 * usual case, has all three the same). `storedPaymentOf` restores every one of them.
 */
export const paymentDocumentOf = (state: KnownPayment, version: number): PaymentDocument => {
  const { seenDeliveryKeys: _seen, lastEvidence, statusOrigin, ...rest } = state;
  const document: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) {
    if (isStartingValue(field, value)) continue;
    document[field] = value;
  }
  if (!sameMark(lastEvidence, state.firstEvidence)) document['lastEvidence'] = lastEvidence;
  if (!sameOrigin(statusOrigin, originOf(lastEvidence))) document['statusOrigin'] = statusOrigin;
  document['version'] = version;
  return document;
};

/**
 * A stored payment document (`unknown` as the store returns it) as the payment it stands for,
 * or `null`. Reads what `paymentDocumentOf` writes, and the whole states earlier payrecs wrote.
 */
export const storedPaymentOf = (document: unknown): StoredPayment | null => {
  if (document === null || document === undefined) return null;
  const stored = document as Partial<Record<Leftable | 'lastEvidence' | 'statusOrigin', unknown>> &
    Omit<StoredPayment, Leftable | 'lastEvidence' | 'statusOrigin'>;
  const withStarts = { ...startingValues, ...stored } as Omit<
    StoredPayment,
    'lastEvidence' | 'statusOrigin'
  > &
    Partial<Pick<StoredPayment, 'lastEvidence' | 'statusOrigin'>>;
  const lastEvidence =
    'lastEvidence' in stored ? (withStarts.lastEvidence ?? null) : withStarts.firstEvidence;
  const statusOrigin =
    'statusOrigin' in stored ? (withStarts.statusOrigin ?? null) : originOf(lastEvidence);
  return { ...withStarts, lastEvidence, statusOrigin };
};
