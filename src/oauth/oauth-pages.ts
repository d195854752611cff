import type { Client, errors, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, page } from './oauth-html';
import { describeScope } from './scope-descriptions';

function render(ctx: KoaContextWithOIDC, title: string, body: string): void {
  ctx.type = 'html';
  ctx.body = page(title, body);
}

/**
 * The pages oidc-provider itself shows (device code entry and confirmation, sign-out,
 * errors), in the product's plain style and without inline scripts or styles.
 */
export class OAuthPages {
  userCodeInput(
    ctx: KoaContextWithOIDC,
    form: string,
    _out?: ErrorOut,
    err?: errors.OIDCProviderError | Error,
  ): void {
    const message = !err
      ? '<p>Enter the code your device shows.</p>'
      : err.name === 'NoCodeError' || (err as { userCode?: string }).userCode
        ? '<p class="error">That code is not valid. Check it and try again.</p>'
        : '<p class="error">The request could not be processed. Start again on your device.</p>';
    render(
      ctx,
      'Connect a device',
      `${message}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
    );
  }

  userCodeConfirm(ctx: KoaContextWithOIDC, form: string, client: Client, userCode: string): void {
    const name = client.clientName ?? client.clientId;
    render(
      ctx,
      'Connect a device',
      `<p><strong>${escapeHtml(name)}</strong> asks to connect with the code</p>
<p><code>${escapeHtml(userCode)}</code></p>
<p>Continue only if your device shows this code.</p>${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" class="secondary" form="op.deviceConfirmForm" value="yes" name="abort">Cancel</button>`,
    );
  }

  deviceSuccess(ctx: KoaContextWithOIDC): void {
    const name = ctx.oidc.client?.clientName ?? 'the device';
    render(
      ctx,
      'Device connected',
      `<p>You signed in on ${escapeHtml(name)}. You can close this window.</p>`,
    );
  }

  logout(ctx: KoaContextWithOIDC, form: string): void {
    render(
      ctx,
      'Sign out',
      `<p>Sign out of the applications that use your Agent Village sign-in?</p>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" class="secondary" form="op.logoutForm">No, stay signed in</button>`,
    );
  }

  loggedOut(ctx: KoaContextWithOIDC): void {
    render(ctx, 'Signed out', '<p>You have signed out.</p>');
  }

  error(ctx: KoaContextWithOIDC, out: ErrorOut, _error: unknown): void {
    render(
      ctx,
      'Sign-in failed',
      `<p class="error">${escapeHtml(out.error)}</p>${
        out.error_description ? `<p>${escapeHtml(out.error_description)}</p>` : ''
      }`,
    );
  }
}

export function scopeList(scopes: readonly string[]): string {
  return `<ul class="scopes">${scopes
    .map((s) => `<li>${escapeHtml(describeScope(s))} <small>(${escapeHtml(s)})</small></li>`)
    .join('')}</ul>`;
}
