import { optionalInstant } from '../common/providerInstant.js';
import { z } from 'zod';
import { mapStatus } from '../../../domain/index.js';
import type { Secret } from '../../../secret.js';
import { optionalMoney } from '../common/providerMoney.js';
import { failingFields } from '../../common/failingFields.js';
import type { StatusClient } from '../../../domain/ports/index.js';
import { jsonOf, unreadable } from '../common/statusAnswers.js';
import { kkiapayStatuses } from './kkiapayStatuses.js';
import type { StatusHttp } from '../common/statusHttp.js';

/**
 * `POST /api/v1/transactions/status` answers (docs/providers.md §4.3): `status` always, the
 * rest when the transaction exists; `{"status":"TRANSACTION_NOT_FOUND"}` otherwise.
 */
const statusAnswer = z.looseObject({
  status: z.string().min(1),
  transactionId: z.string().optional(),
  amount: z.union([z.number(), z.string()]).optional(),
  // When the transaction happened (shared/providers.md, KKiaPay status response): the
  // settlement day. Read loosely: a time payrec cannot read is left out, never a failure.
  performed_at: z.unknown().optional(),
  performedAt: z.unknown().optional(),
});

/**
 * KKiaPay's transaction-status API with `x-api-key`, `x-private-key` and `x-secret-key`. Its
 * status values are mapped (`REVERTED` is a refund); `TRANSACTION_NOT_FOUND` and the other
 * answers about the query are reports with no status: evidence, not a failure. Amounts are XOF.
 */
export const createKkiapayStatusClient =
  ({
    http,
    publicKey,
    privateKey,
    secretKey,
  }: Readonly<{
    http: StatusHttp;
    publicKey: Secret;
    privateKey: Secret;
    secretKey: Secret;
  }>): StatusClient =>
  async ({ ref }) => {
    const response = await http({
      method: 'POST',
      path: '/api/v1/transactions/status',
      headers: () => ({
        'x-api-key': publicKey.reveal(),
        'x-private-key': privateKey.reveal(),
        'x-secret-key': secretKey.reveal(),
        'content-type': 'application/json',
        accept: 'application/json',
      }),
      body: JSON.stringify({ transactionId: ref }),
    });
    const parsed = statusAnswer.safeParse(jsonOf(response));
    if (
      !parsed.success ||
      (response.status !== 200 && parsed.data.status !== 'TRANSACTION_NOT_FOUND')
    ) {
      return unreadable(
        response,
        parsed.success
          ? `HTTP ${response.status}`
          : `not a transaction status: ${failingFields(parsed.error, 'the body')}`,
      );
    }
    const { status, amount, performed_at: performedAt, performedAt: camel } = parsed.data;
    const money = amount === undefined ? undefined : optionalMoney(String(amount), 'XOF');
    return {
      kind: 'report',
      report: {
        vocabulary: 'status',
        providerStatus: status,
        status: mapStatus(kkiapayStatuses.status, status),
        ...(money ? { amount: money } : {}),
        ...optionalInstant(performedAt ?? camel),
      },
      response,
    };
  };
