import { createHash } from 'node:crypto';
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { mapStatus } from '../../../domain/index.js';
import { WebhookRejected } from '../../../errors/index.js';
import { markVerified, type VerifiedDelivery } from '../../../application/index.js';
import { headerValue, type WebhookRequest } from '../common/webhookRequest.js';
import { krakenPayToken } from './krakenPayBody.js';
import { krakenPayClaimsSchema } from './krakenPayPayload.js';
import { krakenPayStatuses } from './krakenPayStatuses.js';

export type KrakenPayVerifierOptions = Readonly<{
  /** Resolves a key by the token's `kid` (a jose JWKS; see `createKrakenPayKeys`). */
  keys: JWTVerifyGetKey;
  /** Accepted clock skew on `exp`, in seconds. Default 30. */
  clockToleranceSeconds?: number;
}>;

const rejectionFor = (error: unknown): WebhookRejected => {
  if (error instanceof WebhookRejected) return error;
  if (error instanceof errors.JWTExpired) {
    return new WebhookRejected(
      'TOKEN_EXPIRED',
      'The Kraken Pay token has expired (its exp has passed); Kraken says an expired callback can be ignored.',
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') {
    return new WebhookRejected('WRONG_ISSUER', 'The token was not issued by "kraken-pay".');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new WebhookRejected(
      'UNKNOWN_KEY',
      'No Kraken Pay key has this token\'s "kid", even after refreshing the key set (refreshed at most once per cooldown).',
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new WebhookRejected('INVALID_TOKEN', 'Only ES256 tokens are accepted from Kraken Pay.');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new WebhookRejected(
      'INVALID_SIGNATURE',
      'The token\'s ES256 signature does not verify with the key its "kid" names.',
    );
  }
  return new WebhookRejected(
    'INVALID_TOKEN',
    'The token is not a valid Kraken Pay JWT (ES256, with a "kid").',
    {
      cause: error,
    },
  );
};

/**
 * Creates the Kraken Pay verifier: ES256 only (the algorithm is pinned, so `none`, HMAC and
 * every other `alg` are refused), `iss` = `kraken-pay`, `exp` enforced against the receive
 * time, key by `kid` (docs/providers.md §1.1). Resolves a `VerifiedDelivery`; rejects with
 * `WebhookRejected`.
 */
export const createKrakenPayVerifier = ({
  keys,
  clockToleranceSeconds = 30,
}: KrakenPayVerifierOptions) => {
  if (
    !Number.isInteger(clockToleranceSeconds) ||
    clockToleranceSeconds < 0 ||
    clockToleranceSeconds > 300
  ) {
    throw new TypeError(
      'createKrakenPayVerifier: "clockToleranceSeconds" must be an integer from 0 to 300',
    );
  }
  return async (request: WebhookRequest): Promise<VerifiedDelivery> => {
    const token = krakenPayToken(request.rawBody, headerValue(request, 'content-type'));
    let verified;
    try {
      verified = await jwtVerify(token, keys, {
        algorithms: ['ES256'],
        issuer: 'kraken-pay',
        requiredClaims: ['exp'],
        currentDate: request.receivedAt,
        clockTolerance: clockToleranceSeconds,
      });
    } catch (error) {
      throw rejectionFor(error);
    }
    const claims = krakenPayClaimsSchema.safeParse(verified.payload);
    if (!claims.success) {
      throw new WebhookRejected(
        'SCHEMA_INVALID',
        'The token verified but its claims are not a Kraken Pay callback: check payload.external_id and payload.status.',
      );
    }
    const { external_id: ref, status } = claims.data.payload;
    // What was signed, not how the signature was written: the same token with other base64url
    // padding bits in its signature, or with ECDSA's `s` replaced by `n − s`, verifies too, and
    // is the same delivery.
    const signedDigest = createHash('sha256')
      .update(token.slice(0, token.lastIndexOf('.')))
      .digest('hex')
      .slice(0, 32);
    return markVerified({
      provider: 'kraken-pay',
      // A retried callback carries the same signed content; a new token for the same payment is a
      // new delivery.
      deliveryKey: `jws:${signedDigest}`,
      receivedAt: request.receivedAt.toISOString(),
      verification: {
        method: 'es256-jwt',
        trust: 'verified',
        detail: `ES256 verified with kid=${verified.protectedHeader.kid ?? '(none)'}; exp=${claims.data.exp}`,
      },
      reports: [
        {
          payment: { provider: 'kraken-pay', ref },
          report: {
            vocabulary: 'payload.status',
            providerStatus: status,
            status: mapStatus(krakenPayStatuses['payload.status'], status),
          },
        },
      ],
      received: {
        body: token,
        headers: { 'content-type': headerValue(request, 'content-type') ?? '' },
      },
    });
  };
};

export type KrakenPayVerifier = ReturnType<typeof createKrakenPayVerifier>;
