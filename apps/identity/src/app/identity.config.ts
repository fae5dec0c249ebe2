export { type IdentityConfig, identityConfigSchema } from '@vigie/identity-feature';
