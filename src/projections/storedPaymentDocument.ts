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
  const document: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(state)) {
    if (field === 'seenDeliveryKeys' || field === 'lastEvidence' || field === 'statusOrigin') {
      continue;
    }
    if (isStartingValue(field, value)) continue;
    document[field] = value;
  }
  if (!sameMark(state.lastEvidence, state.firstEvidence)) {
    document['lastEvidence'] = state.lastEvidence;
  }
  if (!sameOrigin(state.statusOrigin, originOf(state.lastEvidence))) {
    document['statusOrigin'] = state.statusOrigin;
  }
  document['version'] = version;
  return document;
};

/**
 * A stored payment document (`unknown` as the store returns it) as the payment it stands for,
 * or `null`. Reads what `paymentDocumentOf` writes, and the whole states earlier payrecs wrote.
 */
export const storedPaymentOf = (document: unknown): StoredPayment | null => {
  if (document === null || document === undefined) return null;
  const stored = document as Partial<Record<Leftable | 'lastEvidence' | 'statusOrigin', unknown>>;
  const firstEvidence = (stored.firstEvidence ?? null) as EvidenceMark | null;
  const lastEvidence =
    'lastEvidence' in stored
      ? ((stored.lastEvidence ?? null) as EvidenceMark | null)
      : firstEvidence;
  const statusOrigin =
    'statusOrigin' in stored
      ? ((stored.statusOrigin ?? null) as StatusOrigin | null)
      : originOf(lastEvidence);
  // Object.assign, not spreads: `{ ...starts, ...parsed }` took 12 µs a document here (V8's
  // slow path for a JSON-parsed source after a literal), Object.assign 1.3 µs.
  return Object.assign({}, startingValues, stored, { lastEvidence, statusOrigin }) as StoredPayment;
};
