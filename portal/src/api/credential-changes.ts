import type { Middleware } from 'openapi-fetch';

/**
 * Calls that give the session a new token (elevation, a second factor's confirmation, an
 * explicit rotation). The server refuses the old token, and closes the live socket opened
 * with it, before this page has read the answer carrying the new cookie: whoever sees a
 * refusal then waits for these calls to finish before concluding the user is signed out.
 */
const ROTATING = [
  /^\/api\/v1\/sessions\/current\/(elevate|rotate)$/,
  /^\/api\/v1\/mfa\/(totp|sms|email)\/confirm$/,
];

const inFlight = new Set<Request>();
let settledWaiters: Array<() => void> = [];

function settle(request: Request) {
  if (!inFlight.delete(request) || inFlight.size) return;
  const waiters = settledWaiters;
  settledWaiters = [];
  for (const resolve of waiters) resolve();
}

export const credentialChanges: Middleware = {
  onRequest({ request }) {
    if (ROTATING.some((r) => r.test(new URL(request.url).pathname))) inFlight.add(request);
    return request;
  },
  onResponse({ request, response }) {
    settle(request);
    return response;
  },
  onError({ request }) {
    settle(request);
  },
};

/** Resolves once no call that replaces the session's token is under way. */
export function credentialsSettled(): Promise<void> {
  if (!inFlight.size) return Promise.resolve();
  return new Promise((resolve) => settledWaiters.push(resolve));
}
