import { escapeHtml, page } from '../oauth/oauth-html';

export function ssoErrorPage(detail: string): string {
  return page(
    'Sign-in failed',
    `<p class="error">${escapeHtml(detail)}</p><p><a href="/">Back to sign-in</a></p>`,
  );
}

/** The second factor after an identity provider's sign-in. */
export function ssoMfaPage(
  challengeToken: string,
  methods: readonly string[],
  redirectTo: string,
  error?: string,
): string {
  const options = methods
    .map((m) => `<option value="${escapeHtml(m)}">${escapeHtml(m.replace('_', ' '))}</option>`)
    .join('');
  return page(
    'Second factor',
    `${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/sso/mfa">
<input type="hidden" name="challenge_token" value="${escapeHtml(challengeToken)}">
<input type="hidden" name="redirect_to" value="${escapeHtml(redirectTo)}">
<label for="method">Method</label><select id="method" name="method">${options}</select>
<label for="code">Code</label><input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus>
<button type="submit">Verify</button>
</form>`,
  );
}
