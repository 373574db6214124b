import type { Migrations } from '../module.js';
import { Initial0001Postgresql } from './migrations/0001-initial.postgresql.js';
import { Initial0001Sqlite } from './migrations/0001-initial.sqlite.js';
import { RefoldContacts0008Postgresql } from './migrations/0008-refold-contacts.postgresql.js';
import { RefoldContacts0008Sqlite } from './migrations/0008-refold-contacts.sqlite.js';
import { ContactSecretsEnrichment0010Postgresql } from './migrations/0010-contact-secrets-enrichment.postgresql.js';
import { ContactSecretsEnrichment0010Sqlite } from './migrations/0010-contact-secrets-enrichment.sqlite.js';

/** The contacts area's migrations (numbers are unique across core; all areas' run in number order). */
export const migrations: Migrations = {
  sqlite: [
    { name: '0001-initial', class: Initial0001Sqlite },
    { name: '0008-refold-contacts', class: RefoldContacts0008Sqlite },
    { name: '0010-contact-secrets-enrichment', class: ContactSecretsEnrichment0010Sqlite },
  ],
  postgresql: [
    { name: '0001-initial', class: Initial0001Postgresql },
    { name: '0008-refold-contacts', class: RefoldContacts0008Postgresql },
    { name: '0010-contact-secrets-enrichment', class: ContactSecretsEnrichment0010Postgresql },
  ],
};
