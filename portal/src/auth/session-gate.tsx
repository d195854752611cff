import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, onSignedOut } from '../api/client';
import { asProblem, toProblem } from '../api/problem';
import { keys } from '../api/query-keys';
import type { DashboardConfig, Me } from '../api/types';
import { Loading } from '../components/spinner';
import { applyTheme, savedTheme } from '../components/theme';
import { logout } from './auth-api';
import { SessionContext, type Session } from './session-context';
import { ENROLLMENT_REQUIRED, SignInPage } from './sign-in-page';

const DEFAULT_CONFIG: DashboardConfig = {
  title: 'Agent Village',
  refresh_ms: 5000,
  theme: 'dark',
  panels: ['stats', 'tenant', 'goals', 'agents', 'metrics', 'logs'],
  api_url: '',
  ws_url: '',
  version: '',
  updated_at: null,
};

/** Who is signed in, or null when nobody is (asked first without a refusal to log). */
async function fetchMe(): Promise<Me | null> {
  const state = await api.GET('/api/v1/auth/session');
  if (!state.response.ok) throw toProblem(state.response.status, state.error);
  if (!state.data?.signed_in) return null;
  const { data, error, response } = await api.GET('/api/v1/auth/me');
  if (response.status === 401) return null;
  if (!response.ok) throw toProblem(response.status, error);
  return data as Me;
}

/**
 * The tenant's portal settings. A session that may only enroll a second factor is refused
 * here (the organization requires one); a user without goal:read gets the defaults.
 */
async function fetchConfig(): Promise<DashboardConfig> {
  const { data, error, response } = await api.GET('/dashboard/config');
  if (response.ok) return data as DashboardConfig;
  const problem = toProblem(response.status, error);
  if (response.status === 403 && !problem.is('mfa-enrollment-required')) return DEFAULT_CONFIG;
  throw problem;
}

/**
 * Signed in or not, whichever way the session cookie was set (this portal's sign-in, or a
 * single sign-on that came back to it): the sign-in page, or the shell with the session.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | undefined>();
  const me = useQuery({ queryKey: keys.me, queryFn: fetchMe, retry: false, staleTime: 60_000 });
  const config = useQuery({
    queryKey: keys.config,
    queryFn: fetchConfig,
    enabled: !!me.data,
    retry: false,
  });

  const signedOut = useCallback(
    (text?: string) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      queryClient.setQueryData(keys.me, null);
      setMessage(text);
    },
    [queryClient],
  );
  useEffect(() => onSignedOut(() => signedOut()), [signedOut]);

  const enrollmentOnly = asProblem(config.error ?? null).is('mfa-enrollment-required');
  useEffect(() => {
    if (config.data) applyTheme(savedTheme() ?? config.data.theme);
  }, [config.data]);

  const session = useMemo<Session | null>(
    () =>
      me.data && config.data
        ? {
            me: me.data,
            config: config.data,
            signedOut,
            async signOut() {
              try {
                await logout();
              } finally {
                signedOut();
              }
            },
          }
        : null,
    [me.data, config.data, signedOut],
  );

  if (me.isPending || (me.data && config.isPending)) return <Loading what="the portal" />;
  if (me.data === null || enrollmentOnly || me.isError)
    return (
      <SignInPage
        key={message ?? ''}
        message={
          enrollmentOnly
            ? ENROLLMENT_REQUIRED
            : (message ?? (me.error ? asProblem(me.error).message : undefined))
        }
        onSignedIn={() => {
          setMessage(undefined);
          void queryClient.invalidateQueries();
        }}
      />
    );
  if (config.isError || !session)
    return (
      <SignInPage
        message={asProblem(config.error).message}
        onSignedIn={() => void queryClient.invalidateQueries()}
      />
    );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
