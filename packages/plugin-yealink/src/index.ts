/**
 * @dialbook/plugin-yealink — Yealink desk and DECT phones: the remote phonebook
 * (`YealinkIPPhoneBook`, Menu/Unit), the flat directory (`YealinkIPPhoneDirectory`, labelled
 * numbers), the local-contacts import file (`vp_contact`), server-side search for `#SEARCH`
 * URLs and the provisioning snippet, registered as the directory renderer `yealink`.
 *
 * ```yaml
 * plugins:
 *   yealink:
 *     package: '@dialbook/plugin-yealink'
 * ```
 * Phones then fetch `/directory/{phonebookId}/yealink` (HTTP basic with a phonebook
 * credential) or `/directory/t/{secret}/yealink`. Per-phonebook options:
 * `PUT /api/v1/phonebooks/{id}/directory/yealink`.
 *
 * The rendering itself is pure (`@dialbook/plugin-yealink/render`), so the remote
 * `dialbook-yealink` service renders what core pushes with the same code.
 */
import { definePlugin, type DirectoryRenderer } from '@dialbook/core';
import { provisioningSnippet, renderYealink, YEALINK_VARIANTS, YealinkOptionsSchema } from './render/index.js';

export * from './render/index.js';

/** The `yealink` directory renderer, as registered in-process. */
export const yealinkRenderer: DirectoryRenderer = {
  id: 'yealink',
  label: 'Yealink',
  variants: [...YEALINK_VARIANTS],
  options: YealinkOptionsSchema,
  search: true,
  render: renderYealink,
  provisioning: (input) => ({ contentType: 'text/plain; charset=utf-8', text: provisioningSnippet(input, YealinkOptionsSchema.parse(input.options)) }),
};

export default definePlugin({
  name: 'yealink',
  version: '0.1.0',
  description: 'Yealink phones: remote phonebook, directory and local-contacts XML, server-side search',
  setup(ctx) {
    ctx.directory.registerRenderer(yealinkRenderer);
  },
});
