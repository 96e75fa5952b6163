import { createHash } from 'node:crypto';
import type { RecordProviderReport } from '../domain/index.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import type { VerifiedDelivery } from './verifiedDelivery.js';

/**
 * A stable id for a delivery, the same on every repeat (`payrec deliveries replay <id>`): the
 * first 128 bits of SHA-256 over provider and delivery key, as 32 hex digits. (A name-based UUID
 * would do as well; the `uuid` package's v5 cost about 7 µs a delivery in the ingest profile.)
 */
export const deliveryIdOf = (
  delivery: Pick<VerifiedDelivery, 'provider' | 'deliveryKey'>,
): string =>
  createHash('sha256')
    .update(`${delivery.provider}\n${delivery.deliveryKey}`)
    .digest('hex')
    .slice(0, 32);

/**
 * The commands a verified delivery stands for: one report per payment it concerns. `deliveryId`
 * is `deliveryIdOf(delivery)`, for a caller that has it already.
 */
export const reportCommandsOf = (
  delivery: VerifiedDelivery,
  deliveryId = deliveryIdOf(delivery),
): RecordProviderReport[] =>
  delivery.reports.map(({ payment, report }) => ({
    type: 'RecordProviderReport',
    data: {
      payment,
      report,
      evidence: {
        deliveryKey: delivery.deliveryKey,
        deliveryId,
        channel: 'webhook',
        receivedAt: delivery.receivedAt,
        verification: delivery.verification,
        received: delivery.received,
      },
    },
  }));

export type RecordedDelivery = Readonly<{
  deliveryId: string;
  /** How many events the delivery added across its payments' streams (0 for a repeat). */
  appended: number;
  /** Whether every report in it had been recorded before. */
  repeated: boolean;
}>;

/**
 * Turns a verified delivery into commands on its payments' streams. It takes only a
 * `VerifiedDelivery`, which only the verifiers make, so unverified input cannot reach a stream.
 * Resolves once the events are durable; rejects with the command handler's errors.
 */
export const createDeliveryRecorder =
  ({ handlePaymentCommand }: Readonly<{ handlePaymentCommand: PaymentCommandHandler }>) =>
  async (delivery: VerifiedDelivery): Promise<RecordedDelivery> => {
    const deliveryId = deliveryIdOf(delivery);
    let appended = 0;
    for (const command of reportCommandsOf(delivery, deliveryId)) {
      const handled = await handlePaymentCommand(command);
      appended += handled.appended.length;
    }
    return {
      deliveryId,
      appended,
      repeated: delivery.reports.length > 0 && appended === 0,
    };
  };

export type DeliveryRecorder = ReturnType<typeof createDeliveryRecorder>;
