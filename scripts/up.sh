#!/usr/bin/env bash
# `npm run up`: installs what is missing, starts the local stack and every service, loads the
# demo realms and data, and prints where to go.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
started=$SECONDS

ensure_node_modules
say "starting the local stack (PostgreSQL, NATS JetStream, Keycloak)"
bash scripts/stack/up.sh
load_stack_env
build_platform
prepare_platform
say "starting the services"
node scripts/lib/services.cjs start
if [ -f scripts/lib/prepare.d/demo.sh ]; then
  # shellcheck source=/dev/null
  . scripts/lib/prepare.d/demo.sh
fi

# The development tenants (config/realms/*.yaml) and their users, for the first login.
demo_logins() {
  local password_file="$VIGIE_STATE_DIR/secrets/realms/dev-user-password"
  [ -f "$password_file" ] || return 0
  local realm users
  echo "  Demo tenants (realm = tenant), password for every user: $(cat "$password_file")"
  for file in config/realms/*.yaml; do
    realm=$(basename "$file" .yaml)
    users=$(grep -o 'username: [a-z0-9-]*' "$file" | cut -d' ' -f2 | paste -sd' ' -)
    echo "    ${realm}: ${users}"
  done
  echo "  Token for the API: curl -s -d grant_type=password -d client_id=vigie-cli -d username=alpha-ts -d password=… ${KEYCLOAK_URL}/realms/alpha/protocol/openid-connect/token"
}

api="http://127.0.0.1:$(gateway_port)"
cat <<MSG

  Vigie is up ($((SECONDS - started))s).

  API           ${api}/api/v1   (health: /api/v1/health)
  API docs      ${api}/api/docs
  Keycloak      ${KEYCLOAK_URL}/admin   (admin / see ${VIGIE_STATE_DIR}/stack.env)
$(demo_logins)

  Logs: ${VIGIE_STATE_DIR}/logs/    Stop: npm run down
MSG
