import type { Logger } from '@vigie/shared-telemetry';
import { IdentityException, IdentityExceptionCode } from '@vigie/identity-contracts';
import { IdentityConfig } from '../identity.config';
import { KeycloakAdmin } from '../keycloak/keycloak-admin';
import { keycloakAdminSettings } from '../keycloak/keycloak-admin.settings';
import { loadRealmDefinitions } from './realm-definition.loader';
import { RealmReconciler, RealmReport } from './realm-reconciler';
import { RealmSecrets } from './realm-secrets';

/**
 * `node dist/apps/identity/main.js reconcile-realms`: reconciles every realm file of REALMS_DIR.
 * Logs one line per realm (`changes` lists what was done; "no change" when nothing was) and a
 * final JSON summary line on stdout, `{"reconciled":[…]}`, for scripts and tests.
 */
export async function reconcileRealmsCommand(config: IdentityConfig, logger: Logger): Promise<RealmReport[]> {
  if (!config.REALMS_DIR) throw new IdentityException(IdentityExceptionCode.RealmDefinitionInvalid, 'REALMS_DIR is required by reconcile-realms');
  const definitions = await loadRealmDefinitions(config.REALMS_DIR);
  const reconciler = new RealmReconciler(new KeycloakAdmin(keycloakAdminSettings(config)), new RealmSecrets(config.REALM_SECRETS_DIR, config.REALM_SECRETS_GENERATE));
  const reports: RealmReport[] = [];
  for (const { file, definition } of definitions) {
    const report = await reconciler.reconcile(definition);
    reports.push(report);
    if (report.changes.length) logger.info({ realm: report.realm, file, changes: report.changes }, `realm ${report.realm}: ${report.changes.length} change(s)`);
    else logger.info({ realm: report.realm, file }, `realm ${report.realm}: no change`);
  }
  process.stdout.write(`${JSON.stringify({ reconciled: reports.map((r) => ({ realm: r.realm, changed: r.changes.length > 0, changes: r.changes })) })}\n`);
  return reports;
}
