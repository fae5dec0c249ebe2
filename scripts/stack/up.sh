#!/usr/bin/env bash
# Starts (or reuses) the local stack: PostgreSQL, nats-server with JetStream, Keycloak.
# Usage: scripts/stack/up.sh [postgres] [nats] [keycloak]   (default: all three)
# State, logs and generated credentials live under VIGIE_STATE_DIR (default <repo>/.vigie);
# the URLs and credentials are written to $VIGIE_STATE_DIR/stack.env.
set -euo pipefail
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=lib/common.sh
. "$LIB/common.sh"
. "$LIB/postgres.sh"
. "$LIB/nats.sh"
. "$LIB/keycloak.sh"
. "$LIB/stack-env.sh"

[ "$(id -u)" = 0 ] || die "run as root (PostgreSQL runs as the postgres OS user, packages come from apt)"

components=("$@")
[ "${#components[@]}" -gt 0 ] || components=(postgres nats keycloak)
for c in "${components[@]}"; do
  case "$c" in postgres | nats | keycloak) ;; *) die "unknown component '$c' (expected postgres, nats or keycloak)" ;; esac
done

ensure_command curl curl
ensure_command runuser util-linux
started_at=$SECONDS
for c in "${components[@]}"; do
  case "$c" in
    postgres) pg_start ;;
    nats) nats_start ;;
    keycloak) kc_start ;;
  esac
done
write_stack_env
log "stack ready in $((SECONDS - started_at))s (state: $VIGIE_STATE_DIR)"
