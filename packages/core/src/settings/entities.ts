import { defineEntity, p } from '@mikro-orm/core';

/**
 * Runtime settings of one category in one scope (`global` or a site id). Non-secret
 * values as JSON; secret ones as one AES-256-GCM ciphertext (see `base/secret-box.ts`).
 */
export const SettingEntity = defineEntity({
  name: 'Setting',
  tableName: 'setting',
  properties: {
    category: p.string().length(64).primary(),
    /** `global` or a site id. */
    scope: p.string().length(64).primary(),
    /** Values set in the database (not defaults, not config or environment overrides). */
    values: p.json<Record<string, unknown>>(),
    /** `v1.<iv>.<tag>.<ciphertext>` (base64) of a JSON object `{ "<key path>": value }`, or null. */
    secrets: p.text().nullable(),
    updatedAt: p.datetime(),
    /** Actor key (`user:<id>`, `plugin:<id>`, …) of the last change. */
    updatedBy: p.string().length(200),
  },
});
export type Setting = InstanceType<typeof SettingEntity.class>;
