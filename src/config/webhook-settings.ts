import { z } from 'zod';
import { hostList, int } from './setting-types';

/** Webhook endpoints, their deliveries and the sending of them. */
export const webhookSettings = {
  /** 32 bytes (64 hex or base64) sealing webhook signing secrets at rest. */
  WEBHOOK_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** Hosts on private networks, or reached over http, that endpoints may name (`host` or `host:port`). */
  WEBHOOK_ALLOW_HOSTS: hostList,
  /** Multiplies the retry schedule (1, 2, 4, 8 and 16 minutes). */
  WEBHOOK_RETRY_SCALE: z.coerce
    .number({ message: 'must be a number' })
    .positive({ message: 'must be above 0' })
    .max(1000, { message: 'must be at most 1000' })
    .default(1),
  /** Retries after the first attempt (the schedule doubles from 1 minute). */
  WEBHOOK_MAX_RETRIES: int(0, 10).default(5),
  /** How long one attempt may take, connection and answer included. */
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Deliveries in a row that used up every attempt before the endpoint is set FAILED. */
  WEBHOOK_DISABLE_AFTER_FAILURES: int(1, 10_000).default(10),
  /** How long the previous secret still signs after a rotation. */
  WEBHOOK_SECRET_ROTATION_WINDOW_MINUTES: int(0, 43_200).default(1440),
  /** Endpoints one owner may have. */
  WEBHOOK_MAX_PER_OWNER: int(1, 10_000).default(10),
  /** Finished deliveries older than this are removed. */
  WEBHOOK_RETENTION_DAYS: int(1, 3650).default(30),
  /** How often due deliveries (retries, and any a crash left) are looked for. */
  WEBHOOK_POLL_MS: int(50, 600_000).default(1000),
  /** Deliveries one process sends at once. */
  WEBHOOK_CONCURRENCY: int(1, 1000).default(16),
};
