# shellcheck shell=bash
# Sourced by prepare_platform (scripts/lib/common.sh): reconciles the realm files of config/realms
# into Keycloak (idempotent; creates the development tenants alpha and bravo with their users and
# generates their secrets under .vigie/secrets/realms on the first run).
say "Keycloak realms (config/realms)"
node -e '
  const out = require("./scripts/lib/services.cjs").runCommand("identity", "reconcile-realms");
  const summary = JSON.parse(out.split("\n").find((l) => l.startsWith("{\"reconciled\":")));
  for (const r of summary.reconciled) console.log(`  realm ${r.realm}: ${r.changed ? r.changes.length + " change(s)" : "no change"}`);
'
