import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../api/query-keys';

const GOAL_BOUNDARY = /^goal\.(created|completed|failed|cancelled)$/;

/**
 * Which cached data a live event makes stale. Bursts of events refresh at most every
 * 250 ms; the tenant's usage (whose reads count against its API-calls quota) only when a
 * goal starts or ends.
 */
export function invalidateFor(client: QueryClient) {
  let soon: ReturnType<typeof setTimeout> | undefined;
  let tenantSoon: ReturnType<typeof setTimeout> | undefined;
  const live = () => {
    void client.invalidateQueries({ queryKey: ['dashboard'] });
    void client.invalidateQueries({ queryKey: keys.goals.all });
  };
  const tenant = () => void client.invalidateQueries({ queryKey: ['tenant'] });
  return {
    all() {
      live();
      tenant();
    },
    onEvent(event: string) {
      soon ??= setTimeout(() => {
        soon = undefined;
        live();
      }, 250);
      if (GOAL_BOUNDARY.test(event))
        tenantSoon ??= setTimeout(() => {
          tenantSoon = undefined;
          tenant();
        }, 500);
    },
    cancel() {
      clearTimeout(soon);
      clearTimeout(tenantSoon);
    },
  };
}
