#!/usr/bin/env bash
# Stops what scripts/stack/up.sh started (by pid file / data dir), keeping all data.
# Usage: scripts/stack/down.sh [postgres] [nats] [keycloak]   (default: all three)
set -euo pipefail
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=lib/common.sh
. "$LIB/common.sh"
. "$LIB/postgres.sh"
. "$LIB/nats.sh"
. "$LIB/keycloak.sh"

components=("$@")
[ "${#components[@]}" -gt 0 ] || components=(keycloak nats postgres)
for c in "${components[@]}"; do
  case "$c" in
    postgres) pg_stop ;;
    nats) nats_stop ;;
    keycloak) kc_stop ;;
    *) die "unknown component '$c' (expected postgres, nats or keycloak)" ;;
  esac
done
