import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import {
  createUserBodySchema,
  identityClearanceSet,
  identityGroupsSet,
  identityRolesSet,
  identityTenantGet,
  identityUserCreate,
  identityUserDisable,
  identityUserEnable,
  identityUserGet,
  identityUserList,
  IdentityException,
  IdentityExceptionCode,
  setClearanceBodySchema,
  setGroupsBodySchema,
  setRolesBodySchema,
  UserView,
} from '@vigie/identity-contracts';
import { Actor, CurrentActor, hasRole, identityTenantList } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';

const ADMIN_ROLE = 'vigie-admin';

/** The OpenAPI schema of a request body, from the same zod schema identity validates with. */
function bodySchema(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json as SchemaObject;
}

/**
 * Tenant administration (role `vigie-admin` of that very tenant): users, clearances,
 * compartments, roles, groups; the tenant list. Bodies are validated against identity's
 * contracts before they leave (400 naming the field); identity re-verifies the forwarded token,
 * refuses another tenant (403) and audits every change.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/tenants')
export class AdminController {
  constructor(private readonly client: ServiceClient) {}

  @Get()
  @ApiOperation({ summary: 'The tenants (realms) of the platform' })
  async tenants(@CurrentActor() actor: Actor): Promise<ResponseOf<typeof identityTenantList>> {
    if (!hasRole(actor, ADMIN_ROLE)) throw new IdentityException(IdentityExceptionCode.AdminRoleRequired, `Listing tenants needs the role ${ADMIN_ROLE}`);
    return this.client.request(identityTenantList, {});
  }

  @Get(':tenant')
  @ApiOperation({ summary: "A tenant's roles, groups (units) and compartments" })
  tenant(@Param('tenant') tenant: string): Promise<ResponseOf<typeof identityTenantGet>> {
    return this.client.request(identityTenantGet, { tenant });
  }

  @Get(':tenant/users')
  @ApiOperation({ summary: 'Users of the tenant (search on username, e-mail, names)' })
  users(
    @Param('tenant') tenant: string,
    @Query('search') search?: string,
    @Query('first') first?: string,
    @Query('max') max?: string,
  ): Promise<ResponseOf<typeof identityUserList>> {
    return this.client.request(identityUserList, {
      tenant,
      ...(search ? { search } : {}),
      first: intParam('first', first, 0),
      max: intParam('max', max, 50),
    });
  }

  @Post(':tenant/users')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user with clearance, compartments, roles and groups' })
  @ApiBody({ schema: bodySchema(createUserBodySchema) })
  create(@Param('tenant') tenant: string, @Body() body: Omit<RequestOf<typeof identityUserCreate>, 'tenant'>): Promise<UserView> {
    return this.client.request(identityUserCreate, { ...objectBody(body), tenant } as RequestOf<typeof identityUserCreate>);
  }

  @Get(':tenant/users/:userId')
  @ApiOperation({ summary: 'One user' })
  user(@Param('tenant') tenant: string, @Param('userId') userId: string): Promise<UserView> {
    return this.client.request(identityUserGet, { tenant, userId });
  }

  @Post(':tenant/users/:userId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user (users are never deleted)' })
  disable(@Param('tenant') tenant: string, @Param('userId') userId: string): Promise<UserView> {
    return this.client.request(identityUserDisable, { tenant, userId });
  }

  @Post(':tenant/users/:userId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a user again' })
  enable(@Param('tenant') tenant: string, @Param('userId') userId: string): Promise<UserView> {
    return this.client.request(identityUserEnable, { tenant, userId });
  }

  @Put(':tenant/users/:userId/clearance')
  @ApiOperation({ summary: 'Set clearance (NP, DR, S, TS) and, when given, compartments; the next token carries them' })
  @ApiBody({ schema: bodySchema(setClearanceBodySchema) })
  clearance(@Param('tenant') tenant: string, @Param('userId') userId: string, @Body() body: { clearance: string; compartments?: string[] }): Promise<UserView> {
    return this.client.request(identityClearanceSet, { ...objectBody(body), tenant, userId } as RequestOf<typeof identityClearanceSet>);
  }

  @Put(':tenant/users/:userId/roles')
  @ApiOperation({ summary: "Set the user's Vigie roles" })
  @ApiBody({ schema: bodySchema(setRolesBodySchema) })
  roles(@Param('tenant') tenant: string, @Param('userId') userId: string, @Body() body: { roles: string[] }): Promise<UserView> {
    return this.client.request(identityRolesSet, { ...objectBody(body), tenant, userId } as RequestOf<typeof identityRolesSet>);
  }

  @Put(':tenant/users/:userId/groups')
  @ApiOperation({ summary: "Set the user's groups (units)" })
  @ApiBody({ schema: bodySchema(setGroupsBodySchema) })
  groups(@Param('tenant') tenant: string, @Param('userId') userId: string, @Body() body: { groups: string[] }): Promise<UserView> {
    return this.client.request(identityGroupsSet, { ...objectBody(body), tenant, userId } as RequestOf<typeof identityGroupsSet>);
  }
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, 'Request body must be a JSON object', { fields: [{ path: '(root)', message: 'must be a JSON object' }] });
  }
  return body as Record<string, unknown>;
}

function intParam(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw)) {
    throw new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, `Query parameter ${name} must be a non-negative integer`, { fields: [{ path: name, message: 'must be a non-negative integer' }] });
  }
  return Number(raw);
}
