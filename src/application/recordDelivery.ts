import { v5 as uuidv5 } from 'uuid';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import type { VerifiedDelivery } from './verifiedDelivery.js';

const deliveryIdNamespace = 'f4d1c8a2-6b3e-4c55-8d2f-7a9e0b1c3d42';

/** A stable id for a delivery, the same on every repeat: `payrec deliveries replay <id>`. */
export const deliveryIdOf = (
  delivery: Pick<VerifiedDelivery, 'provider' | 'deliveryKey'>,
): string => uuidv5(`${delivery.provider}\n${delivery.deliveryKey}`, deliveryIdNamespace);

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
    for (const { payment, report } of delivery.reports) {
      const handled = await handlePaymentCommand({
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
      });
      appended += handled.appended.length;
    }
    return { deliveryId, appended, repeated: delivery.reports.length > 0 && appended === 0 };
  };

export type DeliveryRecorder = ReturnType<typeof createDeliveryRecorder>;
