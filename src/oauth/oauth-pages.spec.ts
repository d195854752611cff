import type { KoaContextWithOIDC } from 'oidc-provider';
import { OAuthPages, withoutInlineHandlers } from './oauth-pages';

/** The user code form exactly as oidc-provider 9 renders it (helpers/user_code_form.js). */
const providerInputForm = (
  value = '',
) => `<form id="op.deviceInputForm" novalidate method="post" action="/oauth/device">
  <input type="hidden" name="xsrf" value="c2VjcmV0"/>
  <input
    ${value ? `value="${value}" ` : ''}type="text" name="user_code" placeholder="Enter code" onfocus="this.select(); this.onfocus = undefined;" autofocus autocomplete="off"></input>
  </form>`;

function rendered(render: (ctx: KoaContextWithOIDC) => void): string {
  const ctx = { oidc: {} } as unknown as KoaContextWithOIDC;
  render(ctx);
  expect(ctx.type).toBe('html');
  return String(ctx.body);
}

describe('the pages oidc-provider shows', () => {
  it('takes the inline onfocus handler out of the user code form, and nothing else', () => {
    expect(withoutInlineHandlers(providerInputForm())).toBe(
      `<form id="op.deviceInputForm" novalidate method="post" action="/oauth/device">
  <input type="hidden" name="xsrf" value="c2VjcmV0"/>
  <input
    type="text" name="user_code" placeholder="Enter code" autofocus autocomplete="off"></input>
  </form>`,
    );
  });

  it('leaves escaped text that merely looks like a handler alone', () => {
    // A re-shown code is HTML-escaped by the provider: it cannot close its attribute.
    const value = ' onclick=&quot;alert(1)&quot; x';
    const form = withoutInlineHandlers(providerInputForm(value));
    expect(form).toContain(`value="${value}"`);
    expect(form).not.toContain('onfocus');
    expect(withoutInlineHandlers(`<a title='x' onmouseover='y()' ONCLICK="z()">`)).toBe(
      `<a title='x'>`,
    );
  });

  it('renders the code entry page without any inline handler, with a message per outcome', () => {
    const pages = new OAuthPages();
    const first = rendered((ctx) => pages.userCodeInput(ctx, providerInputForm()));
    expect(first).not.toMatch(/\son[a-z]+=/i);
    expect(first).toContain('name="user_code"');
    expect(first).toContain('Enter the code your device shows.');

    const wrong = Object.assign(new Error('the code was not found'), {
      name: 'NotFoundError',
      userCode: 'BBBB-BBBB',
    });
    expect(
      rendered((ctx) => pages.userCodeInput(ctx, providerInputForm('BBBB-BBBB'), undefined, wrong)),
    ).toContain('That code is not valid. Check it and try again.');

    const aborted = Object.assign(new Error('the interaction was aborted'), {
      name: 'AbortedError',
    });
    expect(
      rendered((ctx) => pages.userCodeInput(ctx, providerInputForm(), undefined, aborted)),
    ).toContain('You cancelled the request: the device was not connected.');

    expect(
      rendered((ctx) => pages.userCodeInput(ctx, providerInputForm(), undefined, new Error('x'))),
    ).toContain('The request could not be processed. Start again on your device.');
  });
});
