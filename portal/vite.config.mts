import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The admin portal: a single-page app built into dist/portal, which the API serves at `/`.
 * Everything it loads is in that folder (no CDN); the output has no inline script or style,
 * so it runs under the API's strict Content-Security-Policy.
 */
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/portal', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every supported browser preloads modules itself: no polyfill script is added.
    modulePreload: { polyfill: false },
    // Inlined assets would be data: URLs; keep every asset a file of this origin.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      onwarn(warning, warn) {
        // React libraries mark their modules "use client" for server renderers; a browser
        // bundle has no such boundary, so dropping the directive is what is wanted.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/dashboard', '/sso', '/oauth', '/health'].map((p) => [p, 'http://localhost:3000']),
    ),
  },
});
