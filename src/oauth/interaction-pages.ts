import { escapeHtml, page } from './oauth-html';
import { scopeList } from './oauth-pages';

const action = (uid: string, step: string) =>
  `/oauth/interaction/${encodeURIComponent(uid)}/${step}`;

/** Sign-in with email and password, and a way to continue with a sign-in the browser holds. */
export function loginPage(uid: string, clientName: string, error?: string): string {
  return page(
    'Sign in',
    `<p>Sign in to continue to <strong>${escapeHtml(clientName)}</strong>.</p>
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action(uid, 'login')}">
<label for="email">Email</label><input type="email" id="email" name="email" autocomplete="username" required autofocus>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${action(uid, 'continue')}"><button type="submit" class="secondary">Continue with my current sign-in</button></form>
<form method="post" action="${action(uid, 'abort')}"><button type="submit" class="secondary">Cancel</button></form>`,
  );
}

/** The second step of a sign-in: a code from the user's second factor. */
export function mfaPage(
  uid: string,
  challengeToken: string,
  methods: readonly string[],
  message?: { error?: string; info?: string },
): string {
  const options = methods
    .map((m) => `<option value="${escapeHtml(m)}">${escapeHtml(m.replace('_', ' '))}</option>`)
    .join('');
  const senders = methods
    .filter((m) => m === 'sms' || m === 'email')
    .map(
      (m) =>
        `<button type="submit" class="secondary" name="send" value="${m}">Send a code by ${m === 'sms' ? 'SMS' : 'email'}</button>`,
    )
    .join('');
  return page(
    'Second factor',
    `${message?.error ? `<p class="error">${escapeHtml(message.error)}</p>` : ''}${
      message?.info ? `<p>${escapeHtml(message.info)}</p>` : ''
    }
<form method="post" action="${action(uid, 'mfa')}">
<input type="hidden" name="challenge_token" value="${escapeHtml(challengeToken)}">
<label for="method">Method</label><select id="method" name="method">${options}</select>
<label for="code">Code</label><input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric">
<button type="submit" name="verify" value="1">Verify</button>${senders}
</form>`,
  );
}

/** What the client asks for, to allow or deny. */
export function consentPage(
  uid: string,
  clientName: string,
  userEmail: string,
  scopes: readonly string[],
  refused: readonly string[],
): string {
  return page(
    'Allow access',
    `<p><strong>${escapeHtml(clientName)}</strong> asks to act as ${escapeHtml(userEmail)}:</p>
${scopeList(scopes)}
${
  refused.length
    ? `<p>Not granted (beyond what you or the application may do): ${refused.map(escapeHtml).join(', ')}</p>`
    : ''
}
<form method="post" action="${action(uid, 'confirm')}"><button type="submit">Allow</button></form>
<form method="post" action="${action(uid, 'abort')}"><button type="submit" class="secondary">Deny</button></form>`,
  );
}

export function interactionErrorPage(detail: string): string {
  return page('Sign-in failed', `<p class="error">${escapeHtml(detail)}</p>`);
}
