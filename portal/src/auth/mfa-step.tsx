import { useEffect, useRef, useState } from 'react';
import { asProblem } from '../api/problem';
import { Spinner } from '../components/spinner';
import { sendMfaCode, verifyMfa, type LoginResult, type MfaMethod } from './auth-api';

const LABELS: Record<MfaMethod, string> = {
  totp: 'Authenticator app',
  sms: 'Code by SMS',
  email: 'Code by email',
  backup_code: 'Backup code',
};

/** The second step of a sign-in: a code from the chosen method, optionally trusting the browser. */
export function MfaStep({
  challengeToken,
  methods,
  onBack,
  onVerified,
}: {
  challengeToken: string;
  methods: MfaMethod[];
  onBack(message?: string): void;
  onVerified(result: LoginResult): void;
}) {
  const [method, setMethod] = useState<MfaMethod>(
    methods.includes('totp') ? 'totp' : (methods[0] ?? 'totp'),
  );
  const [code, setCode] = useState('');
  const [trust, setTrust] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => codeRef.current?.focus(), []);
  const sendable = method === 'sms' || method === 'email';

  async function send() {
    if (method !== 'sms' && method !== 'email') return;
    setError('');
    setStatus('sending…');
    try {
      const sent = await sendMfaCode({ challenge_token: challengeToken, method });
      if (sent.delivery_status === 'sent')
        setStatus(`Code sent by ${method === 'sms' ? 'SMS' : 'email'}.`);
      else {
        setStatus('');
        setError('The code could not be delivered; try another method.');
      }
    } catch (e) {
      const problem = asProblem(e);
      setStatus('');
      if (problem.is('mfa-challenge-invalid')) onBack(problem.message);
      else setError(problem.message);
    }
  }

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError('');
    setStatus('');
    setBusy(true);
    try {
      const result = await verifyMfa({
        challenge_token: challengeToken,
        method,
        code: code.trim(),
        ...(trust ? { trust_device: true } : {}),
      });
      onVerified(result);
    } catch (e) {
      const problem = asProblem(e);
      if (problem.is('mfa-locked') || problem.is('mfa-challenge-invalid')) {
        onBack(problem.message);
        return;
      }
      const left = problem.problem.attempts_left;
      setError(problem.message + (typeof left === 'number' ? ` ${left} attempts left.` : ''));
      setCode('');
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login-card" data-testid="mfa-form" autoComplete="off" onSubmit={submit}>
      <h1>Verify it is you</h1>
      <p className="muted small">
        Your account has a second factor. Enter a code to finish signing in.
      </p>
      <label>
        Method
        <select
          data-testid="mfa-method"
          value={method}
          onChange={(e) => {
            setMethod(e.target.value as MfaMethod);
            setError('');
            setStatus('');
          }}
        >
          {methods.map((m) => (
            <option key={m} value={m}>
              {LABELS[m] ?? m}
            </option>
          ))}
        </select>
      </label>
      {sendable ? (
        <button data-testid="mfa-send" type="button" onClick={send}>
          Send code
        </button>
      ) : null}
      <label>
        Code
        <input
          ref={codeRef}
          data-testid="mfa-code"
          type="text"
          required
          maxLength={20}
          autoComplete="one-time-code"
          spellCheck={false}
          inputMode={method === 'backup_code' ? 'text' : 'numeric'}
          placeholder={method === 'backup_code' ? 'XXXX-XXXX' : '123456'}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </label>
      <label className="check">
        <input
          data-testid="mfa-trust"
          type="checkbox"
          checked={trust}
          onChange={(e) => setTrust(e.target.checked)}
        />{' '}
        Trust this device: skip this step on later sign-ins
      </label>
      <div className="row">
        <button type="submit" data-testid="mfa-submit" disabled={busy}>
          {busy ? <Spinner label="Verifying" /> : null} Verify
        </button>
        <button data-testid="mfa-back" type="button" onClick={() => onBack()}>
          Back
        </button>
      </div>
      <p className="muted small" data-testid="mfa-status" role="status">
        {status}
      </p>
      <p className="login-error" data-testid="mfa-error" role="alert">
        {error}
      </p>
    </form>
  );
}
