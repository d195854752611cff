import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'libs/sdk/dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'test-output/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through src/config only.' },
      ],
    },
  },
  {
    files: [
      'src/config/**',
      'libs/**',
      'test/**',
      'bench/**',
      'scripts/**',
      '**/*.spec.ts',
      'eslint.config.mjs',
      'jest.config.js',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    // plugins are plain CommonJS modules, as users write them
    files: [
      'examples/plugins/**/*.js',
      'test/fixtures/**/*.js',
      'test/fixtures/**/*.cjs',
      'bench/fixtures/**/*.js',
    ],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
