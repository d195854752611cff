/** Test bodies are asserted field by field, so responses are loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface JsonResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small JSON client over fetch for e2e tests. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  withHeaders(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.headers, ...headers });
  }

  get<T = Json>(path: string): Promise<JsonResponse<T>> {
    return this.request('GET', path);
  }

  post<T = Json>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse<T>> {
    return this.request('POST', path, body, headers);
  }

  patch<T = Json>(path: string, body?: unknown): Promise<JsonResponse<T>> {
    return this.request('PATCH', path, body);
  }

  delete<T = Json>(path: string): Promise<JsonResponse<T>> {
    return this.request('DELETE', path);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse<T>> {
    const init: RequestInit = {
      method,
      headers: { ...this.headers, ...headers },
      signal: AbortSignal.timeout(30000),
    };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
}
