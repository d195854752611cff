import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDocument } from '#common';

/** Node's `clientError` errors carry the HTTP parser's code (HPE_*) or a Node error code. */
interface ClientError extends Error {
  code?: string;
}

/**
 * Requests that Node's HTTP parser rejects before any handler runs (oversized headers,
 * control characters in a header, a malformed request line, a request that took too long)
 * answer RFC 9457 problem+json, like every other error, instead of Node's empty response,
 * and the connection is closed.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    // Node's default handler answers only when nothing of a response went out yet.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(problemFor(error)));
  });
}

function problemFor(error: ClientError): ProblemDocument {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem(
        431,
        'request-header-fields-too-large',
        'Request header fields too large',
        'The request headers are larger than the server accepts.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADER_TIMEOUT':
      return problem(
        408,
        'request-timeout',
        'Request timeout',
        'The request was not received in time.',
      );
    default:
      return problem(
        400,
        'malformed-request',
        'Malformed request',
        'The HTTP request is malformed.',
      );
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function rawResponse(body: ProblemDocument): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${body.status} ${REASONS[body.status]}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}
