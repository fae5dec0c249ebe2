import { ErrorKind, VigieException } from '@vigie/shared-contracts';

export enum IdentityExceptionCode {
  TenantNotFound = 'IDENTITY_TENANT_NOT_FOUND',
  TenantMismatch = 'IDENTITY_TENANT_MISMATCH',
  AdminRoleRequired = 'IDENTITY_ADMIN_ROLE_REQUIRED',
  SelfAdministration = 'IDENTITY_SELF_ADMINISTRATION',
  UserNotFound = 'IDENTITY_USER_NOT_FOUND',
  UsernameTaken = 'IDENTITY_USERNAME_TAKEN',
  UnknownRole = 'IDENTITY_UNKNOWN_ROLE',
  UnknownGroup = 'IDENTITY_UNKNOWN_GROUP',
  UnknownCompartment = 'IDENTITY_UNKNOWN_COMPARTMENT',
  RealmDefinitionInvalid = 'IDENTITY_REALM_DEFINITION_INVALID',
  KeycloakUnavailable = 'IDENTITY_KEYCLOAK_UNAVAILABLE',
  KeycloakRejected = 'IDENTITY_KEYCLOAK_REJECTED',
}

export const IDENTITY_EXCEPTION_KIND: Readonly<Record<IdentityExceptionCode, ErrorKind>> = {
  [IdentityExceptionCode.TenantNotFound]: ErrorKind.NotFound,
  [IdentityExceptionCode.TenantMismatch]: ErrorKind.Forbidden,
  [IdentityExceptionCode.AdminRoleRequired]: ErrorKind.Forbidden,
  [IdentityExceptionCode.SelfAdministration]: ErrorKind.Forbidden,
  [IdentityExceptionCode.UserNotFound]: ErrorKind.NotFound,
  [IdentityExceptionCode.UsernameTaken]: ErrorKind.Conflict,
  [IdentityExceptionCode.UnknownRole]: ErrorKind.Invalid,
  [IdentityExceptionCode.UnknownGroup]: ErrorKind.Invalid,
  [IdentityExceptionCode.UnknownCompartment]: ErrorKind.Invalid,
  [IdentityExceptionCode.RealmDefinitionInvalid]: ErrorKind.Invalid,
  [IdentityExceptionCode.KeycloakUnavailable]: ErrorKind.Unavailable,
  [IdentityExceptionCode.KeycloakRejected]: ErrorKind.Invalid,
};

/** Errors of the identity domain; the kind (hence the HTTP status) follows from the code. */
export class IdentityException extends VigieException<IdentityExceptionCode> {
  constructor(code: IdentityExceptionCode, message: string, details?: unknown) {
    super(code, IDENTITY_EXCEPTION_KIND[code], message, details);
  }
}
