import { useRef, useState } from 'react';
import { asProblem } from '../api/problem';
import { Spinner } from '../components/spinner';
import { login, type LoginResult } from './auth-api';
import { MfaStep } from './mfa-step';
import { SsoOptions } from './sso-options';

export const ENROLLMENT_REQUIRED =
  'This organization requires a second factor. Set one up with the API ' +
  '(/api/v1/mfa), then sign in again.';

interface Challenge {
  token: string;
  methods: NonNullable<LoginResult['methods']>;
}

/** The organization named in the address (`/?tenant=acme`), for links shared by an admin. */
function tenantFromAddress(): string {
  return (new URLSearchParams(location.search).get('tenant') ?? '').slice(0, 100);
}

/**
 * Sign-in: password, then the second factor when the account has one. The challenge token
 * lives in this component's state only (never in storage) until the code is verified.
 */
export function SignInPage({
  message,
  onSignedIn,
}: {
  message?: string;
  onSignedIn(result: LoginResult): void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState(tenantFromAddress);
  const [error, setError] = useState(message ?? '');
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const result = await login({
        email,
        password,
        ...(tenant.trim() ? { tenant: tenant.trim() } : {}),
      });
      setPassword('');
      if (result.status === 'mfa_required' && result.challenge_token)
        setChallenge({ token: result.challenge_token, methods: result.methods ?? [] });
      else if (result.mfa_enrollment_required) setError(ENROLLMENT_REQUIRED);
      else onSignedIn(result);
    } catch (e) {
      setError(asProblem(e).message);
    } finally {
      setBusy(false);
    }
  }

  function backToPassword(text = '') {
    setChallenge(null);
    setError(text);
    setTimeout(() => passwordRef.current?.focus(), 0);
  }

  return (
    <main className="login" data-testid="login">
      {challenge ? (
        <MfaStep
          challengeToken={challenge.token}
          methods={challenge.methods}
          onBack={backToPassword}
          onVerified={(result) =>
            result.mfa_enrollment_required
              ? backToPassword(ENROLLMENT_REQUIRED)
              : onSignedIn(result)
          }
        />
      ) : (
        <form id="login-form" className="login-card" autoComplete="on" onSubmit={submit}>
          <h1>Sign in</h1>
          <label>
            Email
            <input
              data-testid="login-email"
              type="email"
              required
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              autoFocus
            />
          </label>
          <label>
            Password
            <input
              ref={passwordRef}
              data-testid="login-password"
              type="password"
              required
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label>
            <span>
              Organization <span className="muted small">(optional)</span>
            </span>
            <input
              data-testid="login-tenant"
              type="text"
              maxLength={100}
              autoComplete="organization"
              spellCheck={false}
              placeholder="default"
              value={tenant}
              onChange={(e) => setTenant(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="login-submit" disabled={busy}>
            {busy ? <Spinner label="Signing in" /> : null} Sign in
          </button>
          <p className="login-error" data-testid="login-error" role="alert">
            {error}
          </p>
          <SsoOptions tenant={tenant} />
        </form>
      )}
    </main>
  );
}
