import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem, ProblemError } from '../api/problem';
import { ProblemAlert } from './problem-alert';
import { Spinner } from './spinner';

type Proof = 'password' | 'totp' | 'backup_code';
interface Waiting {
  resolve(): void;
  reject(error: unknown): void;
}

/** Thrown when the user closes the confirmation instead of confirming. */
export class ElevationCancelled extends ProblemError {
  constructor() {
    super(0, { title: 'Not confirmed', detail: 'The action was not carried out.' });
    this.name = 'ElevationCancelled';
  }
}

/**
 * Dangerous actions (keys, roles, tenants, sign-in settings) need a session confirmed again
 * within the last minutes. `elevated(call)` runs the call; when the API answers
 * `elevation-required` it asks for the password or a second factor, elevates the session
 * (which gets a new cookie) and runs the call once more. The page renders `dialog`.
 */
export function useElevation(): {
  elevated<T>(call: () => Promise<T>): Promise<T>;
  dialog: ReactNode;
} {
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const elevated = useCallback(async <T,>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (!asProblem(error).is('elevation-required')) throw error;
      await new Promise<void>((resolve, reject) => setWaiting({ resolve, reject }));
      return call();
    }
  }, []);
  const dialog = waiting ? (
    <ElevationDialog
      onDone={() => {
        setWaiting(null);
        waiting.resolve();
      }}
      onCancel={() => {
        setWaiting(null);
        waiting.reject(new ElevationCancelled());
      }}
    />
  ) : null;
  return { elevated, dialog };
}

function ElevationDialog({ onDone, onCancel }: { onDone(): void; onCancel(): void }) {
  const [proof, setProof] = useState<Proof>('password');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [proof]);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST('/api/v1/sessions/current/elevate', {
          body: proof === 'password' ? { password: value } : { method: proof, code: value.trim() },
        }),
      );
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="elevate-heading"
        data-testid="elevate-dialog"
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h3 id="elevate-heading">Confirm it is you</h3>
        <p className="muted small">
          This action changes security settings: confirm your password or a second factor.
        </p>
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label>
            With
            <select
              data-testid="elevate-method"
              value={proof}
              onChange={(e) => {
                setProof(e.target.value as Proof);
                setValue('');
              }}
            >
              <option value="password">Password</option>
              <option value="totp">Authenticator code</option>
              <option value="backup_code">Backup code</option>
            </select>
          </label>
          <label>
            {proof === 'password' ? 'Password' : 'Code'}
            <input
              ref={input}
              data-testid="elevate-input"
              type={proof === 'password' ? 'password' : 'text'}
              autoComplete={proof === 'password' ? 'current-password' : 'one-time-code'}
              inputMode={proof === 'totp' ? 'numeric' : undefined}
              required
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </label>
          <ProblemAlert error={error} testId="elevate-msg" />
          <div className="row">
            <button type="submit" className="primary" data-testid="elevate-submit" disabled={busy}>
              {busy ? <Spinner label="Confirming" /> : null} Confirm
            </button>
            <button type="button" data-testid="elevate-cancel" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
