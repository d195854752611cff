const BYTES = Symbol('bytes');
const URL_OF = Symbol('url');
const USED = Symbol('used');
const STREAM = Symbol('stream');

/**
 * A fetch Response around a body that has already been read whole. Node's Response wraps
 * every body in a WHATWG byte stream and reads `json()` back out of it; for a small JSON
 * answer that is most of the client-side cost of a model call. This one keeps the bytes
 * and only builds a stream if somebody asks for `body`.
 *
 * Node's type declarations describe Response's members as properties, which a subclass
 * cannot override with accessors or methods, so they are defined on the prototype below.
 */
export class BufferedResponse extends Response {
  [BYTES]: Buffer;
  [URL_OF]: string;
  [USED] = false;
  [STREAM]: ReadableStream<Uint8Array> | undefined;

  constructor(bytes: Buffer, init: ResponseInit, url: string) {
    super(null, init);
    this[BYTES] = bytes;
    this[URL_OF] = url;
  }
}

function isUsed(response: BufferedResponse): boolean {
  return response[USED] || (response[STREAM]?.locked ?? false);
}

function take(response: BufferedResponse): Promise<Buffer> {
  if (isUsed(response))
    return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
  response[USED] = true;
  return Promise.resolve(response[BYTES]);
}

function bodyStream(response: BufferedResponse): ReadableStream<Uint8Array> {
  if (!response[STREAM]) {
    const bytes = response[USED] ? undefined : new Uint8Array(response[BYTES]);
    response[STREAM] = new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes?.length) controller.enqueue(bytes);
        controller.close();
      },
    });
  }
  return response[STREAM];
}

Object.defineProperties(BufferedResponse.prototype, {
  url: {
    get(this: BufferedResponse) {
      return this[URL_OF];
    },
  },
  body: {
    get(this: BufferedResponse) {
      return bodyStream(this);
    },
  },
  bodyUsed: {
    get(this: BufferedResponse) {
      return isUsed(this);
    },
  },
  text: {
    value(this: BufferedResponse): Promise<string> {
      return take(this).then((bytes) => bytes.toString('utf8'));
    },
  },
  json: {
    value(this: BufferedResponse): Promise<unknown> {
      return take(this).then((bytes) => JSON.parse(bytes.toString('utf8')) as unknown);
    },
  },
  arrayBuffer: {
    value(this: BufferedResponse): Promise<ArrayBuffer> {
      return take(this).then((bytes) => new Uint8Array(bytes).buffer);
    },
  },
  blob: {
    value(this: BufferedResponse): Promise<Blob> {
      const type = this.headers.get('content-type') ?? '';
      return take(this).then((bytes) => new Blob([new Uint8Array(bytes)], { type }));
    },
  },
  formData: {
    value(this: BufferedResponse): Promise<FormData> {
      const headers = this.headers;
      return take(this).then((bytes) =>
        new Response(new Uint8Array(bytes), { headers }).formData(),
      );
    },
  },
  clone: {
    value(this: BufferedResponse): Response {
      if (isUsed(this)) throw new TypeError('Response.clone: Body has already been consumed.');
      return new BufferedResponse(
        this[BYTES],
        { status: this.status, statusText: this.statusText, headers: this.headers },
        this[URL_OF],
      );
    },
  },
});
