// The compiler's `node` module resolution does not read package exports, so the
// strategy's subpath is declared here from the file it maps to.
declare module 'openid-client/passport' {
  export * from 'openid-client/build/passport';
}
