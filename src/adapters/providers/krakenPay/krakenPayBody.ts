import { WebhookRejected } from '../../../errors/index.js';

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The compact JWT a Kraken Pay callback carries: the bare body (`text/plain`, `application/jwt`)
 * or a JSON string holding it (`application/json`), per INTERFACE.md. Throws `WebhookRejected`
 * (`MALFORMED_BODY`).
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
  return text;
};
