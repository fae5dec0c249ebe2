#!/usr/bin/env bash
# `npm run up`: installs what is missing, starts the local stack and every service, loads the
# demo realms and data, and prints where to go.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
started=$SECONDS

ensure_node_modules
say "starting the local stack (PostgreSQL, NATS JetStream, Keycloak)"
bash scripts/stack/up.sh
set -a
# shellcheck source=/dev/null
. .vigie/stack.env
set +a
build_platform
prepare_platform
say "starting the services"
node scripts/lib/services.cjs start
if [ -f scripts/lib/prepare.d/demo.sh ]; then
  # shellcheck source=/dev/null
  . scripts/lib/prepare.d/demo.sh
fi

cat <<MSG

  Vigie is up ($((SECONDS - started))s).

  API           http://127.0.0.1:3000/api/v1   (health: /api/v1/health)
  API docs      http://127.0.0.1:3000/api/docs
  Keycloak      ${KEYCLOAK_URL}/admin   (admin / see .vigie/stack.env)
$( [ -f .vigie/demo-credentials.txt ] && sed 's/^/  /' .vigie/demo-credentials.txt )

  Logs: .vigie/logs/    Stop: npm run down
MSG
