import { z } from '@dialbook/core';

export const PHONE_TYPES = ['work', 'mobile', 'home', 'fax', 'pager', 'other'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

/**
 * A phonebook's Yealink options (`PUT /api/v1/phonebooks/{id}/directory/yealink`).
 * Unknown keys are refused, so a typo is a 422 rather than a silently ignored setting.
 */
export const YealinkOptionsSchema = z
  .object({
    format: z
      .enum(['phonebook', 'directory', 'local'])
      .default('phonebook')
      .describe('What the URL without a variant serves: `phonebook` (YealinkIPPhoneBook, Menu/Unit, ≤ 3 numbers), `directory` (YealinkIPPhoneDirectory, every number labelled) or `local` (vp_contact local-contacts import)'),
    numberTypes: z
      .array(z.enum(PHONE_TYPES))
      .min(1)
      .max(PHONE_TYPES.length)
      .refine((a) => new Set(a).size === a.length, 'each type at most once')
      .default(['work', 'mobile', 'home', 'other', 'pager', 'fax'])
      .describe('Which numbers a phone gets, in priority order; a Unit takes the first three, types not listed are left out'),
    numberForm: z
      .enum(['dialable', 'e164', 'written'])
      .default('dialable')
      .describe('`dialable`: as written without spaces and punctuation (`0301234567`); `e164`: international form (`+49301234567`) where known; `written`: exactly as stored'),
    groupBy: z.enum(['department', 'organization', 'none']).default('department').describe('One Menu (phonebook) or group (local) per department or organisation; `none`: one Menu named after the phonebook'),
    otherGroup: z.string().trim().min(1).max(64).default('Other').describe('Menu or group for contacts without a department/organisation'),
    title: z.string().trim().max(64).optional().describe('`Title` of a YealinkIPPhoneBook; default: the phonebook name'),
    slot: z.number().int().min(1).max(5).default(1).describe('Which of the phone\'s five remote phonebooks (`remote_phonebook.data.N`) the provisioning snippet fills'),
    flashTime: z.number().int().min(0).max(86_400).default(3600).describe('`features.remote_phonebook.flash_time`: how often the phone fetches again, in seconds (0: only at boot)'),
  })
  .strict();

export type YealinkOptions = z.output<typeof YealinkOptionsSchema>;
