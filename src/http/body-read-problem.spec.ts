import { bodyReadProblem } from './body-read-problem';

describe("the body parser's refusals", () => {
  it('say what to send instead of an unsupported charset or content encoding', () => {
    expect(bodyReadProblem({ type: 'charset.unsupported', charset: 'latin1' }, '/x')).toEqual({
      type: expect.stringMatching(/unsupported-media-type$/),
      title: 'Unsupported media type',
      status: 415,
      detail: 'Request bodies must be JSON in UTF-8, not LATIN1.',
      instance: '/x',
    });
    expect(bodyReadProblem({ type: 'encoding.unsupported', encoding: 'compress' })).toMatchObject({
      status: 415,
      detail: expect.stringMatching(/gzip, deflate or br, not compress\.$/),
    });
  });

  it('name a body that does not decompress, a short body, too large a body and malformed JSON', () => {
    expect(bodyReadProblem({ code: 'Z_DATA_ERROR' })).toMatchObject({
      status: 400,
      detail: 'The request body could not be decompressed as its Content-Encoding says.',
    });
    expect(bodyReadProblem({ type: 'request.size.invalid' })).toMatchObject({ status: 400 });
    expect(bodyReadProblem({ type: 'entity.too.large' })).toMatchObject({ status: 413 });
    expect(bodyReadProblem({ type: 'entity.parse.failed', body: '{"a":' })).toMatchObject({
      status: 400,
      detail: 'The request body is not valid JSON.',
    });
    expect(bodyReadProblem({ type: 'entity.parse.failed', body: 'null' })).toMatchObject({
      detail: 'The request body must be a JSON object.',
    });
  });

  it('leave every other error alone', () => {
    expect(bodyReadProblem(undefined)).toBeUndefined();
    expect(bodyReadProblem({ type: 'something.else', code: 'ECONNRESET' })).toBeUndefined();
  });
});
