import { rateLimitStoreCases } from '../../testing/rate-limit-store-cases';
import { InMemoryRateLimitStore } from './in-memory-rate-limit.store';

describe('InMemoryRateLimitStore', () => {
  rateLimitStoreCases((clock) => new InMemoryRateLimitStore(clock));
});
