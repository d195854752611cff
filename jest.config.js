/** Unit tests sit beside the code; e2e and integration suites live in test/. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
/** Packages published as ES modules only that the product loads (Jest on Node 20 cannot require them). */
const ESM_ONLY_PACKAGES = [
  '@nestjs',
  '@borewit',
  '@tokenizer',
  'boolbase',
  'css-select',
  'css-what',
  'cssomnom',
  'dom-serializer',
  'domelementtype',
  'domhandler',
  'domutils',
  'entities',
  'file-type',
  'flatted',
  'jose',
  'nth-check',
  'oauth4webapi',
  'oidc-provider',
  'openid-client',
  'strtok3',
  'token-types',
  'uhyphen',
  'uint8array-extras',
];
/** ES-module-only packages the e2e suites themselves load. */
const E2E_ESM_ONLY_PACKAGES = ['openid-client', 'oauth4webapi', 'jose', 'oidc-provider'];
/** package.json "imports" (`#common`, `#testing`, ...) point at the build; tests run the sources. */
const moduleNameMapper = {
  ...Object.fromEntries(
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- this file is CommonJS
    Object.entries(require('./package.json').imports).map(([alias, target]) => [
      `^${alias.replace('*', '(.*)')}$`,
      target.replace('./dist/', '<rootDir>/').replace('*', '$1').replace(/\.js$/, ''),
    ]),
  ),
  // the SDK is published as ES modules too, so its relative imports name the .js files
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/portal'],
      globalSetup: '<rootDir>/src/testing/unit-global-setup.ts',
      testMatch: ['**/*.spec.ts'],
      // suites that share one running product; src/whole-product.spec.ts runs them
      testPathIgnorePatterns: ['/node_modules/', '\\.in-product\\.spec\\.ts$'],
      moduleNameMapper,
      // Nest 12 ships ES modules only, which Jest on Node 20 cannot require: in-process
      // tests have them compiled to CommonJS like our own sources.
      transform: { '^.+\\.ts$': swc, '^.+/node_modules/.+\\.js$': swc },
      transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      testMatch: ['**/*.e2e-spec.ts'],
      moduleNameMapper,
      // openid-client, the relying party the OAuth suites drive the product with, and its
      // dependencies ship ES modules only: compiled to CommonJS like the unit project does.
      transform: { '^.+\\.ts$': swc, '^.+/node_modules/.+\\.js$': swc },
      transformIgnorePatterns: [`/node_modules/(?!(${E2E_ESM_ONLY_PACKAGES.join('|')})/)`],
    },
  ],
};
