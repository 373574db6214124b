import type { AccessInfo } from '@dialbook/core/vendor-protocol';
import { YealinkOptionsSchema } from '../render/index.js';
import type { HeldPhonebook } from './store.js';

/** Yealink configuration values end at the line break: keep them on one line. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * What the admin needs to point Yealink phones at this service for one phonebook: the fetch
 * URL, the user name, and the lines for the phones' auto-provisioning (the password is the one
 * the admin entered in the configuration; it is never sent back).
 */
export function accessFor(publicUrl: string, held: HeldPhonebook): AccessInfo {
  const url = `${publicUrl.replace(/\/+$/, '')}/yealink/${held.phonebookId}`;
  const options = YealinkOptionsSchema.parse(held.input?.options ?? {});
  const n = options.slot;
  const name = oneLine(String(held.configuration.name ?? held.input?.phonebook.name ?? 'Dialbook'));
  const username = String(held.configuration.username ?? '');
  const provisioning = [
    `## Dialbook phonebook "${name}" served by the dialbook-yealink service (remote phonebook ${n})`,
    `remote_phonebook.data.${n}.url = ${url}`,
    `remote_phonebook.data.${n}.name = ${name}`,
    `remote_phonebook.data.${n}.username = ${username}`,
    `remote_phonebook.data.${n}.password = <the password entered in the configuration>`,
    'features.remote_phonebook.enable = 1',
    `features.remote_phonebook.flash_time = ${options.flashTime}`,
    '## Server-side search (the phone replaces #SEARCH with what the user typed):',
    `## remote_phonebook.data.${(n % 5) + 1}.url = ${url}?q=#SEARCH`,
    '',
  ].join('\n');
  return {
    url,
    username,
    notes: `HTTP basic with user name "${username}" and the password entered in the configuration. Formats: ${url}/phonebook, ${url}/directory, ${url}/local; search: ${url}?q=#SEARCH.`,
    provisioning,
  };
}
