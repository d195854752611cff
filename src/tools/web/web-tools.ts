import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { z } from 'zod';
import { safeHttpRequest, SafeHttpOptions, SafeHttpResponse } from '#net/safe-http';
import type { Tool, ToolContext } from '../tool';

export type WebToolOptions = Omit<SafeHttpOptions, 'signal'> & { maxTextChars: number };

const url = z.string().min(1).max(4000).describe('http or https URL');
const headers = z.record(z.string(), z.string()).optional().describe('extra request headers');
const KEPT_HEADERS = [
  'content-type',
  'content-length',
  'last-modified',
  'etag',
  'location',
  'cache-control',
];

function view(res: SafeHttpResponse, maxChars: number) {
  const text = res.body.toString('utf8');
  return {
    url: res.url,
    status: res.status,
    headers: Object.fromEntries(
      KEPT_HEADERS.filter((h) => res.headers[h]).map((h) => [h, res.headers[h]]),
    ),
    body: text.slice(0, maxChars),
    truncated: res.truncated || text.length > maxChars,
    redirects: res.redirects,
  };
}

function call(
  options: WebToolOptions,
  ctx: ToolContext,
  request: Parameters<typeof safeHttpRequest>[0],
) {
  const extra: Record<string, string> = {};
  if (ctx.idempotencyKey && request.method && request.method !== 'GET')
    extra['idempotency-key'] = ctx.idempotencyKey;
  return safeHttpRequest(
    { ...request, headers: { ...extra, ...request.headers } },
    { ...options, signal: ctx.signal },
  );
}

/** HTTP tools: every connection goes through the SSRF-checking client. */
export function webTools(options: WebToolOptions): Tool[] {
  const httpGet: Tool<{ url: string; headers?: Record<string, string> }> = {
    name: 'http_get',
    description:
      'HTTP GET a URL on the public internet; returns status, main headers and the body as text.',
    parameters: z.object({ url, headers }).strict(),
    permission: 'READ_ONLY',
    risk: 'MEDIUM',
    requiresApproval: false,
    hasSideEffects: false,
    async run(args, ctx) {
      return view(
        await call(options, ctx, { url: args.url, method: 'GET', headers: args.headers }),
        options.maxTextChars,
      );
    },
  };

  const httpPost: Tool<{
    url: string;
    body?: string;
    json?: unknown;
    headers?: Record<string, string>;
  }> = {
    name: 'http_post',
    description: 'HTTP POST to a URL on the public internet, with a text body or a JSON value.',
    parameters: z
      .object({
        url,
        body: z.string().max(1_000_000).optional(),
        json: z.unknown().optional(),
        headers,
      })
      .strict(),
    permission: 'READ_WRITE',
    risk: 'HIGH',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const isJson = args.json !== undefined;
      const res = await call(options, ctx, {
        url: args.url,
        method: 'POST',
        body: isJson ? JSON.stringify(args.json) : (args.body ?? ''),
        headers: {
          'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8',
          ...args.headers,
        },
      });
      return view(res, options.maxTextChars);
    },
  };

  const httpRequest: Tool<{
    method: string;
    url: string;
    body?: string;
    headers?: Record<string, string>;
  }> = {
    name: 'http_request',
    description:
      'Any HTTP request (GET, HEAD, POST, PUT, PATCH, DELETE) to a URL on the public internet.',
    parameters: z
      .object({
        method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
        url,
        body: z.string().max(1_000_000).optional(),
        headers,
      })
      .strict(),
    permission: 'READ_WRITE',
    risk: 'HIGH',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      return view(await call(options, ctx, args), options.maxTextChars);
    },
  };

  const fetchWebpage: Tool<{ url: string }> = {
    name: 'fetch_webpage',
    description: 'Fetch a web page and return its readable text (title, byline and main content).',
    parameters: z.object({ url }).strict(),
    permission: 'READ_ONLY',
    risk: 'MEDIUM',
    requiresApproval: false,
    hasSideEffects: false,
    async run(args, ctx) {
      const res = await call(options, ctx, {
        url: args.url,
        method: 'GET',
        headers: { accept: 'text/html,*/*;q=0.5' },
      });
      if (res.status >= 400) throw new Error(`${res.url} answered HTTP ${res.status}`);
      const html = res.body.toString('utf8');
      const page = readable(html);
      return {
        url: res.url,
        status: res.status,
        title: page.title,
        byline: page.byline,
        excerpt: page.excerpt,
        text: page.text.slice(0, options.maxTextChars),
        truncated: res.truncated || page.text.length > options.maxTextChars,
      };
    },
  };

  return [httpGet, httpPost, httpRequest, fetchWebpage] as Tool[];
}

/** The readable text of an HTML page (Mozilla Readability over a linkedom DOM). */
export function readable(html: string): {
  title: string;
  byline: string | null;
  excerpt: string | null;
  text: string;
} {
  const { document } = parseHTML(html);
  const title = document.querySelector('title')?.textContent?.trim() ?? '';
  try {
    const article = new Readability(
      document as unknown as ConstructorParameters<typeof Readability>[0],
      { charThreshold: 0 },
    ).parse();
    if (article?.textContent?.trim())
      return {
        title: article.title?.trim() || title,
        byline: article.byline ?? null,
        excerpt: article.excerpt ?? null,
        text: squeeze(article.textContent),
      };
  } catch {
    // fall through to the plain body text
  }
  for (const el of document.querySelectorAll('script, style, noscript')) el.remove();
  return { title, byline: null, excerpt: null, text: squeeze(document.body?.textContent ?? '') };
}

function squeeze(text: string): string {
  return text
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}
