import { z } from 'zod';
import { bool, int, url } from './setting-types';

/** Sessions, second factors, sign-in lockout and the OAuth authorization server. */
export const identitySettings = {
  /** A session's absolute lifetime. */
  SESSION_TTL_MINUTES: int(1, 525_600).default(1440),
  /** A session unused this long ends. */
  SESSION_IDLE_MINUTES: int(1, 525_600).default(60),
  SESSION_COOKIE_SECURE: bool.default(true),
  /** Live sessions a user may hold; a new one ends the oldest. */
  SESSION_MAX_PER_USER: int(1, 1000).default(10),
  /** A session is refused from any address but the one it was created from. */
  SESSION_BIND_IP: bool.default(false),
  SESSION_ELEVATION_MINUTES: int(1, 1440).default(15),
  /** 32 bytes (64 hex or base64) sealing MFA secrets and signing device cookies. */
  MFA_ENCRYPTION_KEY: z.string().min(1).optional(),
  MFA_ISSUER: z.string().min(1).max(100).default('Agent Village'),
  /** Wrong second-factor codes before the user's MFA locks. */
  MFA_MAX_ATTEMPTS: int(1, 100).default(5),
  MFA_LOCK_MINUTES: int(1, 10_080).default(15),
  MFA_CHALLENGE_MINUTES: int(1, 60).default(10),
  MFA_SMS_CODE_MINUTES: int(1, 60).default(5),
  MFA_EMAIL_CODE_MINUTES: int(1, 120).default(10),
  MFA_TRUSTED_DEVICE_DAYS: int(1, 365).default(30),
  /** smtp:// or smtps:// URL of the server that sends email codes. */
  MFA_SMTP_URL: url(['smtp', 'smtps']).optional(),
  MFA_EMAIL_FROM: z.string().email({ message: 'must be an email address' }).optional(),
  /** The HTTP endpoint that sends SMS codes (POST JSON {to, message}). */
  MFA_SMS_URL: url(['http', 'https']).optional(),
  /** The Authorization header value sent to MFA_SMS_URL. */
  MFA_SMS_AUTHORIZATION: z.string().min(1).optional(),
  /** A GeoLite2-format database file for coarse session locations. */
  GEOIP_DATABASE_PATH: z.string().min(1).optional(),
  LOGIN_MAX_FAILURES: int(1, 100).default(5),
  LOGIN_LOCKOUT_BASE_MS: int(1, 86_400_000).default(60_000),
  LOGIN_LOCKOUT_MAX_MS: int(1, 604_800_000).default(3_600_000),
  LOGIN_MAX_FAILURES_PER_IP: int(0, 1_000_000).default(50),
  LOGIN_MAX_FAILURES_PER_TENANT: int(0, 10_000_000).default(1000),
  LOGIN_THROTTLE_WINDOW_MS: int(1000, 86_400_000).default(900_000),
  /** The address clients reach this installation at; the OAuth issuer is `<PUBLIC_URL>/oauth`. */
  PUBLIC_URL: url(['http', 'https'])
    .refine((v) => !new URL(v).search && !new URL(v).hash, {
      message: 'must be a URL without query or fragment',
    })
    .optional(),
  /** 32 bytes (64 hex or base64) sealing the OAuth signing and cookie keys at rest. */
  OAUTH_ENCRYPTION_KEY: z.string().min(1).optional(),
  OAUTH_ACCESS_TOKEN_TTL_S: int(1, 86_400).default(3_600),
  OAUTH_REFRESH_TOKEN_TTL_S: int(300, 31_536_000).default(1_209_600),
  OAUTH_ID_TOKEN_TTL_S: int(60, 86_400).default(3_600),
  OAUTH_DEVICE_CODE_TTL_S: int(60, 3_600).default(600),
  /** 32 bytes (64 hex or base64) sealing identity providers' client secrets at rest. */
  SSO_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** Identity provider hosts on private networks the sign-in may reach (`host` or `host:port`). */
  SSO_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** How long a started single sign-on may take before it must start again. */
  SSO_LOGIN_TTL_S: int(60, 3_600).default(600),
  /** How often expired OAuth codes, tokens and grants are removed. */
  OAUTH_CLEANUP_INTERVAL_MS: int(1_000, 86_400_000).default(600_000),
  /** How often each process re-reads the published signing keys. */
  OAUTH_KEYS_REFRESH_MS: int(1_000, 3_600_000).default(60_000),
};
