import type { DirectoryProvisioningInput } from '@dialbook/core';
import type { YealinkOptions } from './options.js';

/** Yealink configuration values end at the line break: keep them on one line. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * Lines for Yealink auto-provisioning (`<MAC>.cfg` or `y0000000000xx.cfg`): the remote
 * phonebook in slot N with its URL, name and HTTP basic credential, the incoming-call lookup
 * against it (`features.remote_phonebook.enable`) and the refresh interval
 * (`features.remote_phonebook.flash_time`). The secret is shown only when the credential is
 * created, so its line names where to find it.
 */
export function provisioningSnippet(input: DirectoryProvisioningInput, options: YealinkOptions): string {
  const n = options.slot;
  const lines = [
    `## Dialbook phonebook "${oneLine(input.phonebook.name)}" for Yealink (remote phonebook ${n})`,
    `remote_phonebook.data.${n}.url = ${input.url}`,
    `remote_phonebook.data.${n}.name = ${oneLine(input.phonebook.name)}`,
  ];
  if (input.username) {
    lines.push(`remote_phonebook.data.${n}.username = ${input.username}`, `remote_phonebook.data.${n}.password = <the secret shown once when the credential was created>`);
  } else {
    lines.push('## No phone credential yet: create one for this phonebook (Phone credentials, in the admin app), then set', `remote_phonebook.data.${n}.username = `, `remote_phonebook.data.${n}.password = `);
  }
  lines.push(
    '## Show callers by their name from this phonebook, and fetch it again every flash_time seconds',
    'features.remote_phonebook.enable = 1',
    `features.remote_phonebook.flash_time = ${options.flashTime}`,
    '## Firmware without HTTP basic auth: use the token URL instead (no username/password lines)',
    `## remote_phonebook.data.${n}.url = ${input.tokenUrl}`,
    '## Server-side search (the phone replaces #SEARCH with what the user typed):',
    `## remote_phonebook.data.${(n % 5) + 1}.url = ${input.url}?q=#SEARCH`,
    '',
  );
  return lines.join('\n');
}
