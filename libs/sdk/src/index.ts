export {
  AgentVillage,
  type AgentVillageOptions,
  type Goal,
  type GoalStatus,
  type Task,
  type WaitOptions,
} from './client.js';
export { OAuthTokenSource, type Credentials, type OAuthClientCredentials } from './auth.js';
export {
  ApiError,
  NotFoundError,
  RateLimitedError,
  apiError,
  unwrap,
  type Problem,
} from './errors.js';
export { goalEvents, TERMINAL_EVENTS, type GoalEvent, type GoalEventsOptions } from './events.js';
export { paginate, paginateAfter, type CursorPage, type OffsetPage } from './pagination.js';
export { retryingFetch, type RetryOptions } from './retry.js';
export { verifyWebhookSignature, type WebhookVerification } from './webhooks.js';
export type { components, operations, paths } from './generated/openapi.js';
