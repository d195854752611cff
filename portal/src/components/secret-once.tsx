import { useState } from 'react';

/**
 * A secret the API shows once (a key, a client or signing secret, backup codes): a warning,
 * the value to select or copy, and a button that hides it for good.
 */
export function SecretOnce({
  label,
  secret,
  testId,
  onDone,
}: {
  label: string;
  secret: string;
  testId: string;
  onDone(): void;
}) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      setCopied('Copying is not allowed here: select the text and copy it.');
    }
  };
  return (
    <div className="secret-once panel" role="region" aria-label={label} data-testid={testId}>
      <p className="warn-text" role="alert">
        <strong>{label}</strong>: copy it now. It is shown this once and cannot be read again.
      </p>
      <pre className="secret-value" data-testid={`${testId}-value`} tabIndex={0}>
        {secret}
      </pre>
      <div className="row">
        <button type="button" data-testid={`${testId}-copy`} onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" data-testid={`${testId}-done`} onClick={onDone}>
          I have stored it
        </button>
        <span className="muted small" role="status">
          {copied}
        </span>
      </div>
    </div>
  );
}
