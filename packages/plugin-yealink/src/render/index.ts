import type { DirectoryInput, RenderedDirectory } from '@dialbook/core';
import { renderDirectory } from './directory.js';
import { renderLocal } from './local.js';
import { YealinkOptionsSchema, type YealinkOptions } from './options.js';
import { renderPhoneBook } from './phonebook.js';
import { searchContacts } from './search.js';
import { XML_CONTENT_TYPE } from './xml.js';

export { YealinkOptionsSchema, PHONE_TYPES, type YealinkOptions, type PhoneType } from './options.js';
export { renderPhoneBook, UNIT_NUMBERS } from './phonebook.js';
export { renderDirectory } from './directory.js';
export { renderLocal, LOCAL_MAX_CONTACTS, LOCAL_MAX_GROUPS, ALL_CONTACTS, type LocalRender } from './local.js';
export { searchContacts } from './search.js';
export { pickNumbers, dialable, type PickedNumber } from './numbers.js';
export { provisioningSnippet } from './provisioning.js';
export { xmlText, cleanText, XML_CONTENT_TYPE } from './xml.js';
export { groupContacts } from './groups.js';

/** Variants in the URL (`/directory/{phonebook}/yealink/{variant}`); none: the phonebook's `format` option. */
export const YEALINK_VARIANTS = ['phonebook', 'directory', 'local'] as const;
export type YealinkVariant = (typeof YEALINK_VARIANTS)[number];

/**
 * Render a `DirectoryInput` for Yealink phones. Pure and synchronous: the in-process plugin
 * and the remote `dialbook-yealink` service both call it on the input core produces (or
 * pushes over the websocket). `params.q` filters server-side (Yealink's `#SEARCH`).
 */
export function renderYealink(input: DirectoryInput): RenderedDirectory {
  const options: YealinkOptions = YealinkOptionsSchema.parse(input.options ?? {});
  const variant = (input.variant || options.format) as YealinkVariant;
  const q = input.params.q?.trim();
  const contacts = q ? searchContacts(input.contacts, q) : input.contacts;
  let body: string;
  if (variant === 'directory') body = renderDirectory(contacts, options);
  else if (variant === 'local') body = renderLocal(contacts, options, input.phonebook.name).xml;
  else body = renderPhoneBook(contacts, options, input.phonebook.name);
  return { contentType: XML_CONTENT_TYPE, body };
}
