import {
  sameMoney,
  type Money,
  type PaymentId,
  type PaymentStatus,
  type SettlementBasis,
} from '../domain/index.js';
import type { SettlementSnapshot } from './settlementProjection.js';

/** The head of a payment's settlement history: its current snapshot and the basis the next derives from. */
export type SettlementHead = SettlementSnapshot & SettlementBasis;

/** A settlement head as the settlement projection writes it (`settlementHeadDocumentOf`). */
export type SettlementHeadDocument = Readonly<Record<string, unknown>>;

/**
 * The document the settlement projection writes for a head: the head less what its row or its
 * other fields already say, each restored by `settlementHeadOf`. Left out: the payment (the row's
 * id and every event name it), `validTo` (a head's is always open), `fromStatus` while null,
 * `statusAt` while it is the instant the snapshot was recorded, the expected amount while null,
 * the reported amount while it is the expected one, and the amount while it is the one the basis
 * derives (the expected, else the reported). A payment reported as expected, the usual case,
 * keeps about half of its head's former 415 bytes.
 */
export const settlementHeadDocumentOf = (head: SettlementHead): SettlementHeadDocument => {
  const document: Record<string, unknown> = {
    validFrom: head.validFrom,
    eventType: head.eventType,
    revision: head.revision,
    status: head.status,
    createdAt: head.createdAt,
  };
  if (head.validTo !== null) document['validTo'] = head.validTo;
  if (head.fromStatus !== null) document['fromStatus'] = head.fromStatus;
  if (head.statusAt !== head.validFrom) document['statusAt'] = head.statusAt;
  if (head.expectedAmount !== null) document['expectedAmount'] = head.expectedAmount;
  if (!sameMoney(head.reportedAmount, head.expectedAmount)) {
    document['reportedAmount'] = head.reportedAmount;
  }
  if (!sameMoney(head.amount, head.expectedAmount ?? head.reportedAmount)) {
    document['amount'] = head.amount;
  }
  return document;
};

type StoredHead = Partial<Record<keyof SettlementHead, unknown>>;

/** The head a document written by `settlementHeadDocumentOf` stands for, given its payment. */
export const settlementHeadOf = (
  document: SettlementHeadDocument,
  payment: PaymentId,
): SettlementHead => {
  const stored = document as StoredHead;
  const validFrom = stored.validFrom as string;
  const expectedAmount = (stored.expectedAmount ?? null) as Money | null;
  const reportedAmount =
    'reportedAmount' in stored ? ((stored.reportedAmount ?? null) as Money | null) : expectedAmount;
  return {
    payment,
    validFrom,
    validTo: (stored.validTo ?? null) as string | null,
    fromStatus: (stored.fromStatus ?? null) as PaymentStatus | null,
    eventType: stored.eventType as string,
    revision: stored.revision as number,
    status: stored.status as PaymentStatus,
    statusAt: (stored.statusAt ?? validFrom) as string,
    createdAt: stored.createdAt as string,
    expectedAmount,
    reportedAmount,
    amount:
      'amount' in stored
        ? ((stored.amount ?? null) as Money | null)
        : (expectedAmount ?? reportedAmount),
  };
};
