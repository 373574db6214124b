import { z } from 'zod';
import type { SettingCategory } from '../settings/category.js';

/** The settings category of the call log (`calls`), per site over a shared default. */
export const CALLS_SETTINGS = 'calls';

export const CallsSettingsSchema = z.object({
  retentionDays: z
    .number()
    .int()
    .min(0)
    .max(36500)
    .default(0)
    .meta({ title: 'Keep calls (days)', description: 'Calls that started longer ago are deleted by a daily job, which writes one audit row of counts per site. 0 keeps them forever.' }),
  linking: z
    .object({
      enabled: z.boolean().default(true).meta({ title: 'Link one call across sources', description: 'The same call logged by two systems (same remote number, starts close together, overlapping times) is shown once, with both sources. Both records stay.' }),
      windowSeconds: z.number().int().min(1).max(300).default(10).meta({ title: 'Start within (seconds)', description: 'How far apart the two records may start' }),
    })
    .prefault({}),
});
export type CallsSettings = z.output<typeof CallsSettingsSchema>;

export const callsCategory = (): SettingCategory => ({
  id: CALLS_SETTINGS,
  label: 'Call log',
  description: 'How long calls are kept, and how one call logged by several systems is linked.',
  scope: 'site',
  schema: CallsSettingsSchema,
});
