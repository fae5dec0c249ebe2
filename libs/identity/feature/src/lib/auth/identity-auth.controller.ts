import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AuthException,
  AuthExceptionCode,
  clientCredentialsGrant,
  HttpJwksSource,
  identityJwksGet,
  identityServiceTokenIssue,
  identityTenantList,
} from '@vigie/shared-auth';
import { RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { IDENTITY_CONFIG, IdentityConfig } from '../identity.config';
import { TenantRegistry } from '../keycloak/tenant-registry';

/**
 * What every service's token verifier asks identity: a tenant's signing keys and exact issuer,
 * the tenant list, and (for a service's own work) its client-credentials token. Keys are fetched
 * from Keycloak on each request — the callers cache them — so a rotated key is seen at once.
 */
@Controller()
export class IdentityAuthController {
  private readonly jwks: HttpJwksSource;

  constructor(
    private readonly tenants: TenantRegistry,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {
    this.jwks = new HttpJwksSource({ keycloakUrl: config.KEYCLOAK_URL, issuerBaseUrl: config.KEYCLOAK_ISSUER_URL, tenants, timeoutMs: config.REQUEST_TIMEOUT_MS });
  }

  @HandleRequest(identityJwksGet)
  async jwksGet(@Payload() req: RequestOf<typeof identityJwksGet>): Promise<ResponseOf<typeof identityJwksGet>> {
    const { realm, issuer, jwks } = await this.jwks.fetch(req.realm);
    return { realm, issuer, keys: jwks.keys as unknown as ResponseOf<typeof identityJwksGet>['keys'] };
  }

  @HandleRequest(identityTenantList)
  async tenantList(): Promise<ResponseOf<typeof identityTenantList>> {
    return { tenants: await this.tenants.list() };
  }

  @HandleRequest(identityServiceTokenIssue)
  async serviceToken(@Payload() req: RequestOf<typeof identityServiceTokenIssue>): Promise<ResponseOf<typeof identityServiceTokenIssue>> {
    if (!(await this.tenants.isTenant(req.realm))) throw new AuthException(AuthExceptionCode.UnknownRealm, `Realm "${req.realm}" is not a tenant of this platform`, { realm: req.realm });
    return clientCredentialsGrant(this.config.KEYCLOAK_URL, req.realm, { clientId: req.clientId, clientSecret: req.clientSecret }, this.config.REQUEST_TIMEOUT_MS);
  }
}
