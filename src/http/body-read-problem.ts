import { problem, type ProblemDocument } from '#common';

/** What the JSON body parser (body-parser, raw-body, zlib) attaches to its errors. */
export interface BodyReadError {
  type?: string;
  body?: unknown;
  charset?: string;
  encoding?: string;
  code?: string;
}

const PAYLOAD_TOO_LARGE = problem(
  413,
  'payload-too-large',
  'Payload too large',
  'The request body is larger than allowed.',
);

/**
 * The body parser's refusals as problems that say what to send instead, or undefined for
 * an error that is not one of them.
 */
export function bodyReadProblem(
  error: BodyReadError | undefined,
  instance?: string,
): ProblemDocument | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const answer = (document: ProblemDocument) => ({ ...document, instance });
  switch (error.type) {
    case 'entity.parse.failed':
      return answer(malformedJson(error.body));
    case 'entity.too.large':
      return answer(PAYLOAD_TOO_LARGE);
    case 'charset.unsupported':
      return answer(
        problem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          `Request bodies must be JSON in UTF-8, not ${String(error.charset ?? '').toUpperCase()}.`,
        ),
      );
    case 'encoding.unsupported':
      return answer(
        problem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          `Request bodies may be sent as they are or compressed with gzip, deflate or br, not ${String(error.encoding ?? '')}.`,
        ),
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return answer(
        problem(
          400,
          'bad-request',
          'Bad request',
          'The request body is not as long as its Content-Length says.',
        ),
      );
  }
  // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR): the bytes are not what Content-Encoding names
  if (typeof error.code === 'string' && error.code.startsWith('Z_'))
    return answer(
      problem(
        400,
        'bad-request',
        'Bad request',
        'The request body could not be decompressed as its Content-Encoding says.',
      ),
    );
  return undefined;
}

/**
 * The body parser refuses what is not JSON, and (strict) JSON that is not an object or an
 * array: `null`, `"text"`, `5` are JSON, so they are told what is expected instead.
 */
function malformedJson(raw: unknown): ProblemDocument {
  const detail = parsesAsJson(raw)
    ? 'The request body must be a JSON object.'
    : 'The request body is not valid JSON.';
  return problem(400, 'malformed-json', 'Malformed JSON', detail);
}

function parsesAsJson(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}
