import { loadConfig, z } from '@vigie/shared-config';

/**
 * Settings of the analyst console as the gateway serves it. `CONSOLE_KEYCLOAK_URL` is the
 * Keycloak address as the browser sees it (defaults to the gateway's `KEYCLOAK_URL`);
 * `CONSOLE_DIR` the built console (defaults to `../console` beside the gateway bundle, then
 * `dist/apps/console` under the working directory).
 */
export const consoleConfigSchema = z.object({
  CONSOLE_DIR: z.string().min(1).optional(),
  CONSOLE_KEYCLOAK_URL: z.url({ protocol: /^https?$/ }).optional(),
  CONSOLE_CLIENT_ID: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a Keycloak client id such as vigie-console').default('vigie-console'),
  /** Realm proposed on the login screen (the user may type another one). */
  CONSOLE_DEFAULT_REALM: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a realm name such as alpha').optional(),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

/** Reads the console settings through the config library (throws naming a bad variable). */
export function loadConsoleConfig(env?: Record<string, string | undefined>): ConsoleConfig {
  return loadConfig('gateway', consoleConfigSchema, env);
}
