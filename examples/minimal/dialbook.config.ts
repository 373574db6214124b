/**
 * The same deployment as dialbook.config.yaml, as a TypeScript config: the plugin
 * value is imported and handed over directly instead of being named by package.
 * (The core types `options` as `unknown`; they are validated at start-up.)
 *
 *   node packages/core/dist/cli/main.js --config examples/minimal/dialbook.config.ts start
 */
import { defineConfig } from '@dialbook/core';
import csv from '@dialbook/example-csv';

export default defineConfig({
  demo: true,
  defaultCountry: 'DE',
  plugins: {
    staff: { plugin: csv, options: { file: './demo-contacts.csv', site: 'main' } },
  },
});
