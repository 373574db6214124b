import { z } from 'zod';
import { ContactFilterSchema } from '../contacts/types.js';
import { slug } from '../sites/types.js';

export const PhonebookFilterSchema = ContactFilterSchema.meta({
  id: 'PhonebookFilter',
  description: 'Saved filter: every active contact of the site matching it is a member, besides the explicit members. `{}` selects the whole site.',
});

export const PhonebookCreateSchema = z
  .object({
    siteId: z.uuid(),
    name: z.string().trim().min(1).max(200),
    slug: slug.optional(),
    description: z.string().max(2000).nullish(),
    filter: PhonebookFilterSchema.nullish(),
  })
  .meta({ id: 'PhonebookCreate' });
export const PhonebookUpdateSchema = z
  .object({ name: z.string().trim().min(1).max(200), slug, description: z.string().max(2000).nullable(), filter: PhonebookFilterSchema.nullable() })
  .partial()
  .meta({ id: 'PhonebookUpdate' });
export const PhonebookSchema = z
  .object({
    id: z.uuid(),
    siteId: z.uuid(),
    slug: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    filter: PhonebookFilterSchema.nullable(),
    explicitMembers: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Phonebook' });

export type PhonebookCreate = z.input<typeof PhonebookCreateSchema>;
export type PhonebookUpdate = z.input<typeof PhonebookUpdateSchema>;
export type PhonebookDto = z.infer<typeof PhonebookSchema>;
