import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `npm run build -w @dialbook/web` writes `dist/` (served by @dialbook/core at `/`).
 * `npm run dev -w @dialbook/web` serves the app with hot reload on :5173 and proxies the API to a core on
 * :3000 (`npm start`); the session cookie is `SameSite=Strict`, which a same-origin proxy keeps intact.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: Object.fromEntries(['/api', '/openapi.json', '/docs', '/healthz', '/directory'].map((p) => [p, { target: process.env.DIALBOOK_URL ?? 'http://localhost:3000' }])),
  },
});
