export { IdentityConfig, identityConfigSchema } from '@vigie/identity-feature';
