import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type Enrollment = Schema<'TotpEnrollmentDto'>;

/**
 * The QR code as an image: an SVG in an <img> runs no script and reaches nothing, so the
 * API's markup is never put into the page itself (the CSP allows data: images).
 */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** Adding an authenticator app: scan the code (or type the secret), then confirm one code. */
export function TotpEnrollment({ onBackupCodes }: { onBackupCodes(codes: string[]): void }) {
  const queryClient = useQueryClient();
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [code, setCode] = useState('');
  const start = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/mfa/totp/enroll')),
    onSuccess: (e) => {
      setEnrollment(e);
      setCode('');
    },
  });
  const confirm = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/mfa/totp/confirm', { body: { code: code.trim() } })),
    onSuccess: (res) => {
      setEnrollment(null);
      if (res.backup_codes?.length) onBackupCodes(res.backup_codes);
      void queryClient.invalidateQueries({ queryKey: adminKeys.mfa });
    },
  });
  if (!enrollment)
    return (
      <div>
        <button
          type="button"
          data-testid="totp-enroll"
          disabled={start.isPending}
          onClick={() => start.mutate()}
        >
          {start.isPending ? <Spinner label="Starting" /> : null} Add an authenticator app
        </button>
        <ProblemAlert error={start.error} testId="totp-msg" />
      </div>
    );
  return (
    <form
      className="form-grid"
      data-testid="totp-confirm-form"
      aria-labelledby="totp-heading"
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate();
      }}
    >
      <h4 id="totp-heading">Scan this code with your authenticator app</h4>
      <img
        className="qr-code"
        data-testid="totp-qr"
        src={svgDataUri(enrollment.qr_svg)}
        alt="QR code of the authenticator app's setup link"
      />
      <details>
        <summary>Cannot scan? Type the secret instead</summary>
        <p>
          Secret: <code data-testid="totp-secret">{enrollment.secret}</code>
        </p>
        <p className="small">
          Setup link: <code data-testid="totp-uri">{enrollment.otpauth_uri}</code>
        </p>
      </details>
      <label>
        The 6-digit code the app shows
        <input
          data-testid="totp-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6,8}"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </label>
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="totp-confirm"
          disabled={confirm.isPending}
        >
          {confirm.isPending ? <Spinner label="Confirming" /> : null} Confirm
        </button>
        <button type="button" onClick={() => setEnrollment(null)}>
          Cancel
        </button>
      </div>
      <ProblemAlert error={confirm.error} testId="totp-msg" />
    </form>
  );
}
