import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { RequestRejected, type RequestRejectionCode } from '../../errors/index.js';
import { toErrorAnswer } from './httpErrors.js';

const statusText: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/** What Node's HTTP parser refused, in payrec's words. */
const rejectionFor = (
  code: string | undefined,
  timeoutSeconds: number,
): Readonly<{ code: RequestRejectionCode; reason: string }> => {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        code: 'REQUEST_TIMEOUT',
        reason: `The request was not received in full within ${timeoutSeconds} s.`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'HEADERS_TOO_LARGE',
        reason: 'The request line and headers are larger than payrec accepts (16 KiB).',
      };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return {
        code: 'MALFORMED_REQUEST',
        reason: 'The request has both Content-Length and Transfer-Encoding: send one of them.',
      };
    case 'HPE_INVALID_CHUNK_SIZE':
      return { code: 'MALFORMED_REQUEST', reason: 'A chunk size of the body is not valid.' };
    default:
      return { code: 'MALFORMED_REQUEST', reason: 'The request is not valid HTTP/1.1.' };
  }
};

/**
 * Fastify's `clientErrorHandler`: what the HTTP parser refuses before any route runs (malformed
 * HTTP, oversized headers, a request not received in time) is answered as `{code, reason}` like
 * every other error, then the connection is closed. A client that went away is a `debug` line.
 */
export const answerClientError =
  (logger: FastifyBaseLogger, requestTimeoutMs: number) =>
  (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) {
      logger.debug({ code: error.code }, 'client went away');
      return;
    }
    const rejection = rejectionFor(error.code, Math.round(requestTimeoutMs / 1000));
    const answer = toErrorAnswer(new RequestRejected(rejection.code, rejection.reason));
    logger.info(
      { code: answer.code, parserCode: error.code },
      'request refused by the HTTP parser',
    );
    if (socket.writable) {
      const body = JSON.stringify({ code: answer.code, reason: answer.reason });
      socket.write(
        `HTTP/1.1 ${answer.status} ${statusText[answer.status] ?? 'Error'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
