import type * as OidcProvider from 'oidc-provider';

export type OidcProviderModule = typeof OidcProvider;

let loaded: Promise<OidcProviderModule> | undefined;

/**
 * oidc-provider ships as an ES module only; Node 20.19+ and 24 load it from our CommonJS
 * build. On Node 20 it prints that it prefers Node 22+ when loaded: we support Node 20.19
 * (the machines' version) on purpose and run the suites on Node 24 too, so that one line is
 * not shown; every other warning passes.
 */
export function loadOidcProvider(): Promise<OidcProviderModule> {
  loaded ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loaded;
}
