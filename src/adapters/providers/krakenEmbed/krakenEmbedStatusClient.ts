import { z } from 'zod';
import { mapStatus } from '../../../domain/index.js';
import type { Secret } from '../../../secret.js';
import { createKrakenApiNonce } from './krakenApiNonce.js';
import { krakenApiSign } from './krakenApiSign.js';
import { optionalMoney } from '../common/providerMoney.js';
import { failingFields } from '../../common/failingFields.js';
import type { StatusClient, StatusCheckOutcome } from '../../../domain/ports/index.js';
import { jsonOf, unreadable } from '../common/statusAnswers.js';
import { krakenEmbedStatuses } from './krakenEmbedStatuses.js';
import type { StatusHttp, StatusHttpResponse } from '../common/statusHttp.js';

const amountSchema = z.looseObject({ asset: z.string(), amount: z.string() });

/** `GET /b2b/quotes/{id}` (docs/providers.md §2.5); unknown fields are kept in the evidence. */
const quoteAnswer = z.looseObject({
  result: z.looseObject({
    quote_id: z.string().optional(),
    status: z.string().min(1),
    spend: amountSchema.optional(),
    receive: amountSchema.optional(),
  }),
});

/** `GET /b2b/funds/transactions` items `{type,date,asset,amount,status,ref_id}`, `next_cursor`. */
const fundingAnswer = z.looseObject({
  result: z.looseObject({
    items: z.array(
      z.looseObject({
        ref_id: z.string(),
        status: z.string(),
        asset: z.string().optional(),
        amount: z.string().optional(),
      }),
    ),
    next_cursor: z.string().nullish(),
  }),
});

const notFound = (body: string) => /ENexus:[A-Za-z ]*not found/i.test(body);

/**
 * Kraken Embed's status API, signed with `API-Key`, `API-Nonce` and `API-Sign`: quotes (and
 * custom orders) by `GET /b2b/quotes/{id}`; deposits and withdrawals by finding their `ref_id`
 * in `GET /b2b/funds/transactions` (its status values are undocumented, so they are evidence and
 * move nothing). A 404 "not found" is a report with no status.
 */
/* eslint-disable max-lines-per-function -- a factory: signing, the quote lookup and the funding lookup, each a closure over one client */
export const createKrakenEmbedStatusClient = ({
  http,
  apiKey,
  apiSecret,
  maxFundingPages = 20,
}: Readonly<{
  http: StatusHttp;
  apiKey: Secret;
  apiSecret: Secret;
  maxFundingPages?: number;
}>): StatusClient => {
  const nonce = createKrakenApiNonce();
  const signedGet = (path: string) =>
    http({
      method: 'GET',
      path,
      headers: () => {
        const value = nonce();
        return {
          'API-Key': apiKey.reveal(),
          'API-Nonce': value,
          'API-Sign': krakenApiSign({ path, nonce: value, body: '', secret: apiSecret }),
          accept: 'application/json',
        };
      },
    });

  const quote = async (ref: string): Promise<StatusCheckOutcome> => {
    const response = await signedGet(`/b2b/quotes/${encodeURIComponent(ref)}`);
    if (response.status === 404 && notFound(response.body)) {
      return {
        kind: 'report',
        report: {
          vocabulary: 'quote.status',
          providerStatus: 'ENexus:Quote not found',
          status: null,
        },
        response,
      };
    }
    if (response.status !== 200) return unreadable(response, `HTTP ${response.status}`);
    const parsed = quoteAnswer.safeParse(jsonOf(response));
    if (!parsed.success) {
      return unreadable(response, `not a quote: ${failingFields(parsed.error, 'the body')}`);
    }
    const { status, spend } = parsed.data.result;
    const amount = optionalMoney(spend?.amount, spend?.asset);
    return {
      kind: 'report',
      report: {
        vocabulary: 'quote.status',
        providerStatus: status,
        status: mapStatus(krakenEmbedStatuses['quote.status'], status),
        ...(amount ? { amount } : {}),
      },
      response,
    };
  };

  const funding = async (ref: string, type: 'deposit' | 'withdrawal') => {
    let cursor: string | null = null;
    let last: StatusHttpResponse | null = null;
    for (let page = 0; page < maxFundingPages; page += 1) {
      const query = new URLSearchParams({ type, page_size: '500' });
      if (cursor !== null) query.set('cursor', cursor);
      const response = await signedGet(`/b2b/funds/transactions?${query.toString()}`);
      last = response;
      if (response.status !== 200) return unreadable(response, `HTTP ${response.status}`);
      const parsed = fundingAnswer.safeParse(jsonOf(response));
      if (!parsed.success) {
        return unreadable(
          response,
          `not a funding list: ${failingFields(parsed.error, 'the body')}`,
        );
      }
      const item = parsed.data.result.items.find((candidate) => candidate.ref_id === ref);
      if (item) {
        const amount = optionalMoney(item.amount, item.asset);
        const outcome: StatusCheckOutcome = {
          kind: 'report',
          report: {
            vocabulary: `${type}.status`,
            providerStatus: item.status,
            status: null,
            ...(amount ? { amount } : {}),
          },
          response: { status: response.status, body: JSON.stringify(item) },
        };
        return outcome;
      }
      cursor = parsed.data.result.next_cursor ?? null;
      if (cursor === null) break;
    }
    return {
      kind: 'report',
      report: {
        vocabulary: `${type}.status`,
        providerStatus: `not found in ${type} transactions`,
        status: null,
      },
      response: last ?? { status: 200, body: '' },
    } satisfies StatusCheckOutcome;
  };

  return ({ ref, object }) => {
    const kind = object();
    return kind === 'deposit' || kind === 'withdrawal' ? funding(ref, kind) : quote(ref);
  };
};
/* eslint-enable max-lines-per-function */
