import { z } from 'zod';

export const CredentialSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['phonebook', 'service', 'engine']),
    name: z.string(),
    siteId: z.uuid().nullable(),
    phonebookId: z.uuid().nullable(),
    service: z.string().nullable(),
    username: z.string().nullable(),
    prefix: z.string(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revoked: z.boolean(),
  })
  .meta({ id: 'MachineCredential' });
export type CredentialDto = z.infer<typeof CredentialSchema>;
