// Reconciles the test-only tenant (fixtures/realms/keytest.yaml) once before the suites, with the
// built identity service's command, as `npm test` does for config/realms.
const path = require('node:path');
const launcher = require('../../scripts/lib/services.cjs');

module.exports = async () => {
  launcher.runCommand('identity', 'reconcile-realms', { overrides: { REALMS_DIR: path.join(__dirname, 'fixtures', 'realms') } });
};
