#!/usr/bin/env bash
# Prints the state and version of each system of the local stack; exits 1 when one is down.
set -euo pipefail
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=lib/common.sh
. "$LIB/common.sh"
. "$LIB/postgres.sh"
. "$LIB/nats.sh"
. "$LIB/keycloak.sh"

out="$(pg_status; nats_status; kc_status)"
printf 'state dir: %s\n%s\n' "$VIGIE_STATE_DIR" "$out"
! grep -qE '^[a-z]+ +down ' <<<"$out"
