import { z } from 'zod';
import type { FieldError } from '#common';
import { outboundUrlProblem } from '#net/outbound-url';
import { MCP_TRANSPORTS, PERMISSION_LEVELS, RISK_LEVELS } from './mcp-server-settings';

const MAX_URL_LENGTH = 2048;
const SERVER_NAME = /^[A-Za-z0-9_-]{1,40}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const hasNoControl = (text: string) =>
  [...text].every((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f);
const CONTROL = 'must not hold control characters';
/**
 * Headers the connection sets itself: a Host would reach another virtual host on an
 * allowed server, framing headers would desynchronise the request, and the protocol's own
 * would break the session.
 */
const CONNECTION_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'content-type',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);

const override = z
  .object({
    permission: z.enum(PERMISSION_LEVELS).optional(),
    risk: z.enum(RISK_LEVELS).optional(),
    requires_approval: z.boolean().optional(),
  })
  .strict();

const secretMap = (key: RegExp, keyRule: string, reserved = new Set<string>()) =>
  z
    .record(
      z
        .string()
        .regex(key, keyRule)
        .refine((k) => !reserved.has(k.toLowerCase()), 'is set by the connection itself'),
      z.string().max(10_000).refine(hasNoControl, CONTROL).nullable(),
    )
    .refine((m) => Object.keys(m).length <= 50, 'may hold at most 50 entries');

const fields = {
  name: z.string().regex(SERVER_NAME, 'must be 1 to 40 letters, digits, _ or -'),
  description: z.string().max(2000).nullable(),
  transport: z.enum(MCP_TRANSPORTS),
  command: z.string().min(1).max(1000).refine(hasNoControl, CONTROL),
  args: z.array(z.string().max(4000)).max(100),
  working_dir: z
    .string()
    .max(1000)
    .regex(/^\/[^\0]*$/, 'must be an absolute path')
    .refine((p) => !p.split('/').includes('..'), 'must not contain ..'),
  env: secretMap(ENV_NAME, 'must be an environment variable name'),
  url: z.string().max(MAX_URL_LENGTH),
  headers: secretMap(HEADER_NAME, 'must be an HTTP header name', CONNECTION_HEADERS),
  default_permission: z.enum(PERMISSION_LEVELS),
  default_risk: z.enum(RISK_LEVELS),
  default_requires_approval: z.boolean(),
  tool_overrides: z
    .record(z.string().min(1).max(128), override)
    .refine((m) => Object.keys(m).length <= 500, 'may hold at most 500 tools'),
  enabled: z.boolean(),
};

export const createMcpServerSchema = z
  .object({
    name: fields.name,
    description: fields.description.optional(),
    transport: fields.transport,
    command: fields.command.optional(),
    args: fields.args.optional(),
    working_dir: fields.working_dir.optional(),
    env: fields.env.optional(),
    url: fields.url.optional(),
    headers: fields.headers.optional(),
    default_permission: fields.default_permission.optional(),
    default_risk: fields.default_risk.optional(),
    default_requires_approval: fields.default_requires_approval.optional(),
    tool_overrides: fields.tool_overrides.optional(),
    enabled: fields.enabled.optional(),
  })
  .strict();
export type CreateMcpServerInput = z.infer<typeof createMcpServerSchema>;

export const updateMcpServerSchema = createMcpServerSchema.partial().strict();
export type UpdateMcpServerInput = z.infer<typeof updateMcpServerSchema>;

/** Parses a request body, or answers every problem by field. */
export function parseInput<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { value: T } | { errors: FieldError[] } {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { value: parsed.data };
  return {
    errors: parsed.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = issue.path.map(String).join('.');
      if (keys.length)
        return {
          field: [path, keys[0]].filter(Boolean).join('.'),
          message: 'is not a known field',
        };
      return { field: path || '(body)', message: issue.message };
    }),
  };
}

/** Why a server URL is refused (see `outboundUrlProblem`), or undefined. */
export function mcpUrlProblem(raw: string, allowHosts: readonly string[]): string | undefined {
  return outboundUrlProblem(raw, allowHosts, 'MCP_ALLOW_HOSTS');
}
