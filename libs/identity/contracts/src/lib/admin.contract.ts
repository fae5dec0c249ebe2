import { z } from 'zod';
import { defineRequest } from '@vigie/shared-contracts';

export const CLEARANCE_LEVELS = ['NP', 'DR', 'S', 'TS'] as const;
export const clearanceSchema = z.enum(CLEARANCE_LEVELS);
export const VIGIE_REALM_ROLES = ['vigie-admin', 'vigie-analyst', 'vigie-supervisor', 'vigie-auditor', 'vigie-ingest'] as const;

export const tenantNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be a realm name (letters, digits, ".", "_", "-"; at most 100)');
export const userIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a Keycloak user id');
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,99}$/, 'must be 2-100 lowercase letters, digits, ".", "_", "@" or "-", starting with a letter or digit');
export const compartmentNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 lowercase letters, digits, "-" or "_"');
const uniqueList = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((list) => new Set(list).size === list.length, 'must not repeat');
export const rolesSchema = uniqueList(z.enum(VIGIE_REALM_ROLES), VIGIE_REALM_ROLES.length);
export const compartmentsSchema = uniqueList(compartmentNameSchema, 64);
export const groupsSchema = uniqueList(z.string().min(1).max(255), 50);

/** A user as administrators see it. */
export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  enabled: z.boolean(),
  clearance: clearanceSchema,
  compartments: z.array(z.string()),
  roles: z.array(z.string()),
  groups: z.array(z.string()),
  createdAt: z.string().optional(),
});
export type UserView = z.infer<typeof userViewSchema>;

const tenantRef = { tenant: tenantNameSchema };
const userRef = { ...tenantRef, userId: userIdSchema };

export const identityUserList = defineRequest({
  subject: 'identity.v1.user.list',
  description: 'Users of a tenant (administrators of that tenant only)',
  request: z.strictObject({ ...tenantRef, search: z.string().max(100).optional(), first: z.number().int().min(0).default(0), max: z.number().int().min(1).max(200).default(50) }),
  response: z.object({ users: z.array(userViewSchema), first: z.number(), max: z.number() }),
});

export const identityUserGet = defineRequest({
  subject: 'identity.v1.user.get',
  description: 'One user of a tenant',
  request: z.strictObject(userRef),
  response: userViewSchema,
});

export const createUserBodySchema = z.strictObject({
  username: usernameSchema,
  email: z.email(),
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  clearance: clearanceSchema.default('NP'),
  compartments: compartmentsSchema.default([]),
  roles: rolesSchema.default([]),
  groups: groupsSchema.default([]),
  enabled: z.boolean().default(true),
  /** Initial password; the user must change it at first login. */
  temporaryPassword: z.string().min(12).max(200).optional(),
});
export const identityUserCreate = defineRequest({
  subject: 'identity.v1.user.create',
  description: 'Create a user with a clearance, compartments, roles and groups',
  request: createUserBodySchema.extend(tenantRef),
  response: userViewSchema,
});

export const identityUserDisable = defineRequest({
  subject: 'identity.v1.user.disable',
  description: 'Disable a user (never deleted: the audit trail keeps naming them)',
  request: z.strictObject(userRef),
  response: userViewSchema,
});

export const identityUserEnable = defineRequest({
  subject: 'identity.v1.user.enable',
  description: 'Enable a user again',
  request: z.strictObject(userRef),
  response: userViewSchema,
});

export const setClearanceBodySchema = z.strictObject({ clearance: clearanceSchema, compartments: compartmentsSchema.optional() });
export const identityClearanceSet = defineRequest({
  subject: 'identity.v1.clearance.set',
  description: "Set a user's clearance and (when given) compartments; the next token carries them",
  request: setClearanceBodySchema.extend(userRef),
  response: userViewSchema,
});

export const setRolesBodySchema = z.strictObject({ roles: rolesSchema });
export const identityRolesSet = defineRequest({
  subject: 'identity.v1.roles.set',
  description: "Set a user's Vigie realm roles (others are left alone)",
  request: setRolesBodySchema.extend(userRef),
  response: userViewSchema,
});

export const setGroupsBodySchema = z.strictObject({ groups: groupsSchema });
export const identityGroupsSet = defineRequest({
  subject: 'identity.v1.groups.set',
  description: "Set a user's groups (units)",
  request: setGroupsBodySchema.extend(userRef),
  response: userViewSchema,
});

export const identityTenantGet = defineRequest({
  subject: 'identity.v1.tenant.get',
  description: 'One tenant: its roles, groups (units) and compartments',
  request: z.strictObject(tenantRef),
  response: z.object({
    realm: z.string(),
    displayName: z.string().optional(),
    enabled: z.boolean(),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    compartments: z.array(z.string()),
  }),
});
