import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { keys } from '../api/query-keys';
import { signInOptions } from './auth-api';

/** The provider's sign-in link, coming back to the portal's start page; null if not http(s). */
export function ssoHref(loginUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(loginUrl, location.href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return `${url.origin}${url.pathname}?redirect_to=/`;
}

/** A value that follows `value` once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Single sign-on: the organization's identity providers (the Organization field, else the
 * default tenant), one link each. The provider comes back to `/` with the session cookie set.
 */
export function SsoOptions({ tenant }: { tenant: string }) {
  const settled = useDebounced(tenant.trim(), 300);
  const options = useQuery({
    queryKey: keys.ssoOptions(settled),
    queryFn: () => signInOptions(settled).catch(() => ({ items: [] })),
    staleTime: 30_000,
  });
  const links = (options.data?.items ?? [])
    .map((p) => ({ ...p, href: ssoHref(p.login_url) }))
    .filter((p) => p.href);
  if (!links.length) return null;
  return (
    <nav className="sso-options" data-testid="sso-options" aria-label="Single sign-on">
      <p className="muted small">or</p>
      <ul className="sso-list" data-testid="sso-list">
        {links.map((p) => (
          <li key={p.id}>
            <a
              className="sso-link"
              href={p.href ?? undefined}
              data-testid="sso-link"
              data-provider-id={p.id}
              data-protocol={p.protocol}
            >
              Sign in with {p.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
