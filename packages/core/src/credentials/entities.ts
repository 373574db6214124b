import { defineEntity, p } from '@mikro-orm/core';

/**
 * Credentials for machines, each good for one purpose only: `phonebook` (desk phones
 * fetching one phonebook: basic auth or a token in the URL), `service` (a remote vendor
 * service, optionally for one phonebook) and `engine` (a telephony engine such as Asterisk).
 */
export const MachineCredentialEntity = defineEntity({
  name: 'MachineCredential',
  tableName: 'machine_credential',
  indexes: [{ properties: ['phonebookId'] }, { properties: ['kind', 'username'] }],
  properties: {
    id: p.uuid().primary(),
    kind: p.string().length(16),
    name: p.string().length(200),
    siteId: p.uuid().nullable(),
    phonebookId: p.uuid().nullable(),
    /** Vendor service id for `service` credentials (`yealink`). */
    service: p.string().length(64).nullable(),
    /** Basic-auth user name (phonebook credentials). */
    username: p.string().length(64).nullable(),
    secretHash: p.string().length(64).unique(),
    prefix: p.string().length(16),
    createdBy: p.string().length(200),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type MachineCredential = InstanceType<typeof MachineCredentialEntity.class>;
