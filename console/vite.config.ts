import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Builds the admin console into dist/console/, which the service serves at `/` (src/http/console.ts). */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    // The service's Content-Security-Policy forbids inline code and data: scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    // `npx vite --config console/vite.config.ts` with the service on :3000: the API through the dev server.
    proxy: { '/api': 'http://127.0.0.1:3000', '/media': 'http://127.0.0.1:3000' },
  },
});
