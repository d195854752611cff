import type { Client, errors, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, page } from './oauth-html';
import { describeScope } from './scope-descriptions';

/**
 * An inline event handler attribute (`onfocus="…"`): oidc-provider's user code input carries
 * `onfocus="this.select(); this.onfocus = undefined;"`. The pages' CSP forbids inline
 * handlers (script-src-attr 'none'), so the browser refuses to run it and reports a
 * violation every time the field takes focus. Attribute values in the provider's forms are
 * HTML-escaped (no raw quotes inside), so a quoted value ends at its closing quote.
 */
const INLINE_HANDLER = /\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*')/gi;

/**
 * A form from oidc-provider without inline event handlers, so that the strict CSP holds
 * with nothing blocked. Only those attributes go; the form works the same (what the handler
 * did, selecting the field's text on focus, is a convenience).
 */
export function withoutInlineHandlers(form: string): string {
  return form.replace(INLINE_HANDLER, '');
}

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
    render(
      ctx,
      'Connect a device',
      `${userCodeMessage(err)}${withoutInlineHandlers(form)}<button type="submit" form="op.deviceInputForm">Continue</button>`,
    );
  }

  userCodeConfirm(ctx: KoaContextWithOIDC, form: string, client: Client, userCode: string): void {
    const name = client.clientName ?? client.clientId;
    render(
      ctx,
      'Connect a device',
      `<p><strong>${escapeHtml(name)}</strong> asks to connect with the code</p>
<p><code>${escapeHtml(userCode)}</code></p>
<p>Continue only if your device shows this code.</p>${withoutInlineHandlers(form)}
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
      `<p>Sign out of the applications that use your Agent Village sign-in?</p>${withoutInlineHandlers(form)}
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

/** What the code entry page says above the form: the prompt, or why the last step failed. */
function userCodeMessage(err?: errors.OIDCProviderError | Error): string {
  if (!err) return '<p>Enter the code your device shows.</p>';
  if (err.name === 'NoCodeError' || (err as { userCode?: string }).userCode)
    return '<p class="error">That code is not valid. Check it and try again.</p>';
  // Cancel on the confirmation page, or Deny on the consent page: the device is refused.
  if (err.name === 'AbortedError')
    return '<p class="error">You cancelled the request: the device was not connected.</p>';
  return '<p class="error">The request could not be processed. Start again on your device.</p>';
}

export function scopeList(scopes: readonly string[]): string {
  return `<ul class="scopes">${scopes
    .map((s) => `<li>${escapeHtml(describeScope(s))} <small>(${escapeHtml(s)})</small></li>`)
    .join('')}</ul>`;
}
