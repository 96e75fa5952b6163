import { WebhookRejected } from '../../../errors/index.js';
import { assertJsonStructure } from '../common/parseJsonBody.js';

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The compact JWT a Kraken Pay callback carries: the bare body (`text/plain`, `application/jwt`)
 * or a JSON string holding it (`application/json`), per docs/webhooks.md. Throws `WebhookRejected`
 * (`MALFORMED_BODY`, `BODY_TOO_COMPLEX`).
 */
export const krakenPayToken = (rawBody: Buffer, contentType: string | undefined): string => {
  let text = rawBody.toString('utf8').trim();
  if (contentType?.toLowerCase().startsWith('application/json') === true) {
    try {
      const parsed: unknown = JSON.parse(text);
      text = typeof parsed === 'string' ? parsed.trim() : '';
    } catch {
      text = '';
    }
  }
  if (!compactJws.test(text)) {
    throw new WebhookRejected(
      'MALFORMED_BODY',
      'The body is not a compact JWT. Kraken Pay posts the signed token itself (header.payload.signature), or a JSON string holding it.',
    );
  }
  // The token's header and claims are JSON too: bounded like every provider's body before the
  // JOSE library parses them.
  const [header = '', claims = ''] = text.split('.');
  assertJsonStructure(Buffer.from(header, 'base64url'), 'Kraken Pay');
  assertJsonStructure(Buffer.from(claims, 'base64url'), 'Kraken Pay');
  return text;
};
