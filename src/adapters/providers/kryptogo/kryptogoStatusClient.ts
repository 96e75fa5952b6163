import { optionalInstant } from '../common/providerInstant.js';
import { z } from 'zod';
import { mapStatus } from '../../../domain/index.js';
import type { Secret } from '../../../secret.js';
import { optionalMoney } from '../common/providerMoney.js';
import { failingFields } from '../../common/failingFields.js';
import type { StatusClient } from '../../../domain/ports/index.js';
import { jsonOf, unreadable } from '../common/statusAnswers.js';
import { kryptogoStatuses } from './kryptogoStatuses.js';
import type { StatusHttp } from '../common/statusHttp.js';

/** `{"code":0,"data":{…intent}}` (docs/providers.md §3.3); unknown fields are kept as evidence. */
const intentAnswer = z.looseObject({
  code: z.literal(0),
  data: z.looseObject({
    payment_intent_id: z.string().optional(),
    status: z.string().min(1),
    fiat_amount: z.string().optional(),
    fiat_currency: z.string().optional(),
    // When the payment's transaction was mined (shared/providers.md, KryptoGO intent fields):
    // the settlement day. Read loosely: a time payrec cannot read is left out, never a failure.
    payment_tx_timestamp: z.unknown().optional(),
  }),
});

const intentNotFound = z.looseObject({ code: z.literal(4006) });

/**
 * KryptoGO's payment-intent endpoint, `GET /v1/studio/api/payment/intent/{id}` with `X-Client-ID`,
 * `Origin` and `X-STUDIO-API-KEY`. Error 4006 (invalid payment_intent_id) is a "not found" report
 * with no status; 4001/4002 are bad credentials.
 */
export const createKryptogoStatusClient =
  ({
    http,
    clientId,
    origin,
    apiKey,
  }: Readonly<{
    http: StatusHttp;
    clientId: string;
    origin: string;
    apiKey: Secret;
  }>): StatusClient =>
  async ({ ref }) => {
    const response = await http({
      method: 'GET',
      path: `/v1/studio/api/payment/intent/${encodeURIComponent(ref)}`,
      headers: () => ({
        'X-Client-ID': clientId,
        Origin: origin,
        'X-STUDIO-API-KEY': apiKey.reveal(),
        accept: 'application/json',
      }),
    });
    const json = jsonOf(response);
    if (response.status !== 200) {
      return intentNotFound.safeParse(json).success
        ? {
            kind: 'report',
            report: {
              vocabulary: 'status',
              providerStatus: 'invalid payment_intent_id (4006)',
              status: null,
            },
            response,
          }
        : unreadable(response, `HTTP ${response.status}`);
    }
    const parsed = intentAnswer.safeParse(json);
    if (!parsed.success) {
      return unreadable(
        response,
        `not a payment intent: ${failingFields(parsed.error, 'the body')}`,
      );
    }
    const { status, fiat_amount, fiat_currency, payment_tx_timestamp: minedAt } = parsed.data.data;
    const amount = optionalMoney(fiat_amount, fiat_currency);
    return {
      kind: 'report',
      report: {
        vocabulary: 'status',
        providerStatus: status,
        status: mapStatus(kryptogoStatuses.status, status),
        ...(amount ? { amount } : {}),
        ...optionalInstant(minedAt),
      },
      response,
    };
  };
