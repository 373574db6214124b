import { defineEntity, p } from '@mikro-orm/core';

/**
 * What the admin configured for one remote vendor service and one phonebook: the values
 * the service asked for (secret ones as one AES-256-GCM ciphertext, as settings are), whether
 * it should serve the phonebook, and the machine credential issued for the pair. The live
 * state (`unavailable → disabled → setup → enabled`) is not stored: it is held in memory and
 * rebuilt when the service connects.
 */
export const VendorServicePairEntity = defineEntity({
  name: 'VendorServicePair',
  tableName: 'vendor_service_pair',
  properties: {
    vendor: p.string().length(64).primary(),
    phonebookId: p.uuid().primary(),
    siteId: p.uuid(),
    /** Non-secret configuration values. */
    values: p.json<Record<string, unknown>>(),
    /** `v1.<iv>.<tag>.<ciphertext>` of the secret values, or null. */
    secrets: p.text().nullable(),
    /** The admin's decision: serve this phonebook through the service. */
    enabled: p.boolean(),
    /** The current pair key (`machine_credential.id`), re-issued on each (re)configuration. */
    credentialId: p.uuid().nullable(),
    updatedAt: p.datetime(),
    updatedBy: p.string().length(200),
  },
});
export type VendorServicePair = InstanceType<typeof VendorServicePairEntity.class>;
