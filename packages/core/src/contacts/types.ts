import { z } from 'zod';

/**
 * The contact's shapes, shared by the domain services (validation) and the
 * HTTP layer (request validation and the OpenAPI document).
 */
export const PhoneTypeSchema = z.enum(['work', 'mobile', 'home', 'fax', 'pager', 'other']).meta({ id: 'PhoneType' });
export type PhoneType = z.infer<typeof PhoneTypeSchema>;

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullish();

export const PhoneInputSchema = z
  .object({
    type: PhoneTypeSchema.default('work'),
    number: z.string().trim().min(1, 'number must not be empty').max(64).regex(/^[+0-9 ()./\-#*xX]+$/, 'number may hold digits, spaces, + ( ) . / - # * and x only'),
    label: optionalText(64),
  })
  .meta({ id: 'PhoneInput' });

/** Plugin attributes are namespaced by plugin: `{ cucm: { pin: '1234' } }`. */
export const AttributesSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_-]*$/, 'attribute namespaces are lower-case plugin ids'),
  z.record(z.string(), z.unknown()),
);

const contactFields = {
  firstName: optionalText(200),
  lastName: optionalText(200),
  displayName: optionalText(400),
  organization: optionalText(200),
  department: optionalText(200),
  title: optionalText(200),
  emails: z.array(z.email().max(320)).max(20),
  phones: z.array(PhoneInputSchema).max(50),
  tags: z.array(text(64).min(1, 'tags must not be empty')).max(100),
  notes: z.string().max(10_000).nullish(),
  attributes: AttributesSchema,
};

export const SourceSchema = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a source is a lower-case id such as manual, ldap or csv');

export const ContactCreateSchema = z
  .object({
    siteId: z.uuid(),
    ...contactFields,
    emails: contactFields.emails.default([]),
    phones: contactFields.phones.default([]),
    tags: contactFields.tags.default([]),
    attributes: contactFields.attributes.default({}),
    source: SourceSchema.default('manual'),
    externalId: z.string().trim().min(1).max(512).nullish(),
  })
  .meta({ id: 'ContactCreate' });

export const ContactUpdateSchema = z
  .object({
    ...contactFields,
    externalId: z.string().trim().min(1).max(512).nullish(),
  })
  .partial()
  .meta({ id: 'ContactUpdate' });

export type ContactCreate = z.input<typeof ContactCreateSchema>;
export type ContactUpdate = z.input<typeof ContactUpdateSchema>;

/** A fully normalised contact as written to storage (after defaults and trimming). */
export interface ContactInput {
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  organization: string | null;
  department: string | null;
  title: string | null;
  emails: string[];
  phones: { type: PhoneType; number: string; label: string | null }[];
  tags: string[];
  notes: string | null;
  source: string;
  externalId: string | null;
  attributes: Record<string, Record<string, unknown>>;
}

export const PhoneSchema = z
  .object({ type: PhoneTypeSchema, number: z.string(), label: z.string().nullable(), e164: z.string().nullable() })
  .meta({ id: 'Phone' });

export const ContactSchema = z
  .object({
    id: z.uuid(),
    siteId: z.uuid(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    displayName: z.string(),
    organization: z.string().nullable(),
    department: z.string().nullable(),
    title: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(PhoneSchema),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    source: z.string(),
    externalId: z.string().nullable(),
    attributes: z.record(z.string(), z.record(z.string(), z.unknown())),
    deleted: z.boolean(),
    deletedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Contact' });

export type ContactDto = z.infer<typeof ContactSchema>;

export interface FieldChange {
  field: keyof ContactInput;
  old: unknown;
  new: unknown;
}

export const ContactSortSchema = z.enum(['name', 'firstName', 'lastName', 'organization', 'department', 'createdAt', 'updatedAt']);

/** Filters shared by the contact list and by phonebooks' saved filters. */
export const ContactFilterSchema = z.object({
  q: z.string().trim().min(1).max(200).optional().meta({ description: 'Substring search across names, e-mails, organisation, department and numbers (accent- and case-insensitive).' }),
  department: z.string().trim().min(1).max(200).optional(),
  tag: z.string().trim().min(1).max(64).optional(),
  source: SourceSchema.optional(),
  hasAttribute: z
    .string()
    .max(200)
    .regex(/^[a-z][a-z0-9_-]*(\.[A-Za-z0-9_-]+)?$/, 'hasAttribute is a plugin namespace, optionally with one key: cucm or cucm.pin')
    .optional()
    .meta({ description: 'Only contacts carrying this plugin attribute namespace (`cucm`) or key (`cucm.pin`).' }),
});
export type ContactFilter = z.infer<typeof ContactFilterSchema>;

export const ContactListQuerySchema = ContactFilterSchema.extend({
  siteId: z.uuid().optional(),
  status: z.enum(['active', 'deleted', 'all']).default('active'),
  sort: ContactSortSchema.default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ContactListQuery = z.input<typeof ContactListQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface HistoryDto {
  id: number;
  contactId: string;
  field: string;
  old: unknown;
  new: unknown;
  actor: string;
  actorName: string | null;
  at: string;
}
