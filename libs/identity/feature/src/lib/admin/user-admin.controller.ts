import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  identityClearanceSet,
  identityGroupsSet,
  identityRolesSet,
  identityTenantGet,
  identityUserCreate,
  identityUserDisable,
  identityUserEnable,
  identityUserGet,
  identityUserList,
  UserView,
} from '@vigie/identity-contracts';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { UserAdminService } from './user-admin.service';

/**
 * `identity.v1.user.*`, `identity.v1.clearance.set`, `identity.v1.roles.set`,
 * `identity.v1.groups.set`, `identity.v1.tenant.get`. The actor comes from the forwarded token,
 * re-verified here; the payload names only the target.
 */
@Controller()
@Authenticated()
export class UserAdminController {
  constructor(private readonly users: UserAdminService) {}

  @HandleRequest(identityUserList)
  list(@Payload() req: RequestOf<typeof identityUserList>, @CurrentActor() actor: Actor): Promise<ResponseOf<typeof identityUserList>> {
    return this.users.list(actor, req);
  }

  @HandleRequest(identityUserGet)
  get(@Payload() req: RequestOf<typeof identityUserGet>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.get(actor, req.tenant, req.userId);
  }

  @HandleRequest(identityUserCreate)
  create(@Payload() req: RequestOf<typeof identityUserCreate>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.create(actor, req);
  }

  @HandleRequest(identityUserDisable)
  disable(@Payload() req: RequestOf<typeof identityUserDisable>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.setEnabled(actor, req.tenant, req.userId, false);
  }

  @HandleRequest(identityUserEnable)
  enable(@Payload() req: RequestOf<typeof identityUserEnable>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.setEnabled(actor, req.tenant, req.userId, true);
  }

  @HandleRequest(identityClearanceSet)
  setClearance(@Payload() req: RequestOf<typeof identityClearanceSet>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.setClearance(actor, req);
  }

  @HandleRequest(identityRolesSet)
  setRoles(@Payload() req: RequestOf<typeof identityRolesSet>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.setRoles(actor, req);
  }

  @HandleRequest(identityGroupsSet)
  setGroups(@Payload() req: RequestOf<typeof identityGroupsSet>, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.setGroups(actor, req);
  }

  @HandleRequest(identityTenantGet)
  tenant(@Payload() req: RequestOf<typeof identityTenantGet>, @CurrentActor() actor: Actor): Promise<ResponseOf<typeof identityTenantGet>> {
    return this.users.tenant(actor, req.tenant);
  }
}
