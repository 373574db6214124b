import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { getCountries } from 'libphonenumber-js';
import { defineConfig, type Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|map|txt)$/;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes a brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy next to every text file of the
 * build over 1 KiB; core sends the best one the browser accepts (`packages/core/src/app/web-app.ts`).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'dialbook:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const files = (await readdir(outDir, { recursive: true })).map((f) => join(outDir, String(f))).filter((f) => COMPRESSIBLE.test(f));
      await Promise.all(
        files.map(async (file) => {
          if ((await stat(file)).size < 1024) return;
          const data = await readFile(file);
          await writeFile(`${file}.br`, await brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
          await writeFile(`${file}.gz`, await gz(data, { level: 9 }));
        }),
      );
    },
  };
}

/**
 * `npm run build -w @dialbook/web` writes `dist/` (served by @dialbook/core at `/`), with pre-compressed copies.
 * `npm run dev -w @dialbook/web` serves the app with hot reload on :5173 and proxies the API to a core on
 * :3000 (`npm start`); the session cookie is `SameSite=Strict`, which a same-origin proxy keeps intact.
 *
 * `__COUNTRY_CODES__`: the ISO 3166-1 alpha-2 codes core accepts for a site's country (libphonenumber-js's
 * `getCountries()`, as `packages/core/src/sites/types.ts` checks them), put into the bundle at build time
 * so the app does not ship the phone-number metadata; the names come from the browser's `Intl.DisplayNames`.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  define: { __COUNTRY_CODES__: JSON.stringify(getCountries()) },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: Object.fromEntries(['/api', '/openapi.json', '/docs', '/healthz', '/directory'].map((p) => [p, { target: process.env.DIALBOOK_URL ?? 'http://localhost:3000' }])),
  },
});
