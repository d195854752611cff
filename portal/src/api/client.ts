import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../libs/sdk/src/generated/openapi';
import { credentialChanges, credentialsSettled } from './credential-changes';
import { toProblem } from './problem';

type SignedOutListener = () => void;
const signedOutListeners = new Set<SignedOutListener>();

/** Called whenever the API answers 401: the session ended (expired, revoked, signed out). */
export function onSignedOut(listener: SignedOutListener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

const signedOutOn401: Middleware = {
  onResponse({ response, request }) {
    // A failed sign-in is a 401 too, but says nothing about an existing session.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/'))
      void signedOutUnlessReplaced();
    return response;
  },
};

/**
 * A 401 sent while the session took a new token (elevation, a second factor confirmed) is
 * about the old token only: the user is signed out when the current cookie is refused too.
 */
async function signedOutUnlessReplaced(): Promise<void> {
  await credentialsSettled();
  const me = await fetch('/api/v1/auth/me', { credentials: 'include' }).catch(() => null);
  if (me && me.status !== 401) return;
  for (const listener of signedOutListeners) listener();
}

/**
 * The typed API client: every path and body checked against the product's OpenAPI spec.
 * Same origin, authenticated by the HttpOnly session cookie (no token in page storage).
 */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'include',
  headers: { accept: 'application/json' },
});
api.use(credentialChanges, signedOutOn401);

/** openapi-fetch's answer: the data, or a ProblemError carrying the problem+json body. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toProblem(response.status, error);
  return data as T;
}
