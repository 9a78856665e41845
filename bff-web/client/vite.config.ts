// Builds the single-page app into client/dist, which bff-web serves for every non-API path.
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // No dev server in this project: the BFF serves the built files, so cookie, CSRF header and origin line up.
  publicDir: false,
  // The contract from its TypeScript sources, as everywhere in this repository (its dist/ is for publishing).
  resolve: { conditions: ['@microblog/source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The CSP is `default-src 'self'`: no inline scripts, so no injected preload polyfill either.
    modulePreload: { polyfill: false },
    target: 'es2022',
    assetsInlineLimit: 0,
  },
});
