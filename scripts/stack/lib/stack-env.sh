# shellcheck shell=bash
# Writes $VIGIE_STATE_DIR/stack.env: source-able KEY=value lines with the stack's URLs and credentials.

write_stack_env() {
  local svc user upper tmp="$VIGIE_STACK_ENV.tmp"
  {
    echo "# Written by scripts/stack/up.sh. Source it: set -a; . $VIGIE_STACK_ENV; set +a"
    echo "VIGIE_STATE_DIR=$VIGIE_STATE_DIR"
    echo "PGHOST=127.0.0.1"
    echo "PGPORT=$VIGIE_PG_PORT"
    echo "VIGIE_PG_ADMIN_URL=$(pg_admin_url)"
    for svc in "${PG_SERVICES[@]}"; do
      upper="$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')"
      echo "VIGIE_DB_URL_$upper=postgres://vigie_$svc:$(pg_role_password "$svc")@127.0.0.1:$VIGIE_PG_PORT/$PG_DB"
    done
    echo "VIGIE_DB_URL_AUDIT_WRITER=postgres://vigie_audit_writer:$(pg_role_password audit_writer)@127.0.0.1:$VIGIE_PG_PORT/$PG_DB"
    echo "NATS_URL=nats://127.0.0.1:$VIGIE_NATS_PORT"
    echo "NATS_MONITOR_URL=$(nats_monitor_url)"
    echo "NATS_JETSTREAM_MAX_STORAGE=$NATS_MAX_FILE_STORE"
    for user in $(nats_users); do
      upper="$(printf '%s' "$user" | tr '[:lower:]-' '[:upper:]_')"
      echo "VIGIE_NATS_PASSWORD_$upper=$(secret "nats-$user")"
    done
    echo "KEYCLOAK_URL=http://127.0.0.1:$VIGIE_KEYCLOAK_PORT"
    echo "KEYCLOAK_MANAGEMENT_URL=http://127.0.0.1:$VIGIE_KEYCLOAK_MANAGEMENT_PORT"
    echo "KEYCLOAK_ADMIN_USER=$KC_ADMIN_USER"
    echo "KEYCLOAK_ADMIN_PASSWORD=$(secret keycloak-admin)"
    echo "KEYCLOAK_VERSION=$(kc_version)"
    echo "POSTGRES_VERSION=$(pg_version)"
    echo "NATS_SERVER_VERSION=$(nats_version)"
  } >"$tmp" || die "writing $VIGIE_STACK_ENV failed"
  chmod 600 "$tmp"
  mv "$tmp" "$VIGIE_STACK_ENV"
  log "wrote $VIGIE_STACK_ENV"
}
