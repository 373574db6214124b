import { z } from 'zod';

export const RoleSchema = z.enum(['admin', 'staff', 'user']).meta({ id: 'Role' });

const name = z.string().trim().max(200).nullish();
export const PasswordSchema = z
  .string()
  .min(10, 'a password needs at least 10 characters')
  .max(200, 'a password has at most 200 characters');

export const UserCreateSchema = z
  .object({
    email: z.email().max(320).transform((e) => e.toLowerCase()),
    firstName: name,
    lastName: name,
    role: RoleSchema.default('user'),
    siteIds: z.array(z.uuid()).max(1000).default([]),
  })
  .meta({ id: 'UserCreate' });
export const UserUpdateSchema = z
  .object({ firstName: name, lastName: name, role: RoleSchema, siteIds: z.array(z.uuid()).max(1000), status: z.enum(['active', 'disabled']) })
  .partial()
  .meta({ id: 'UserUpdate' });

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    role: RoleSchema,
    status: z.enum(['invited', 'active', 'disabled']),
    siteIds: z.array(z.uuid()),
    lastSigninAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export type UserCreate = z.input<typeof UserCreateSchema>;
export type UserUpdate = z.input<typeof UserUpdateSchema>;
export type UserDto = z.infer<typeof UserSchema>;

export const ApiTokenSchema = z
  .object({ id: z.uuid(), name: z.string(), prefix: z.string(), createdAt: z.iso.datetime(), lastUsedAt: z.iso.datetime().nullable(), expiresAt: z.iso.datetime().nullable(), revoked: z.boolean() })
  .meta({ id: 'ApiToken' });
export type ApiTokenDto = z.infer<typeof ApiTokenSchema>;
