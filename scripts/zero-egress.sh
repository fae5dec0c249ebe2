#!/usr/bin/env bash
# `npm run test:zero-egress` (issue 9): proves that Vigie needs nothing outside its own stack at
# run time. Starts a private stack (PostgreSQL, NATS JetStream, Keycloak) and the six services
# inside a network namespace that has only loopback (`ip netns`, iproute2), then runs the
# end-to-end scenario (tests/e2e) there. Nothing can reach outside: no interface but lo, no route.
# Installs happen before, outside: node_modules, the built services (dist/), the Debian packages
# and the shared stack's unpacked Keycloak, copied without its data (scripts/lib/isolated-stack.sh).
#
# It never touches the shared stack: its own state dir and ports (each can be overridden):
#   VIGIE_ZE_DIR=/tmp/vigie-ze  VIGIE_PG_PORT=58432 VIGIE_NATS_PORT=4622 VIGIE_NATS_MONITOR_PORT=8622
#   VIGIE_KEYCLOAK_PORT=8580 VIGIE_KEYCLOAK_MANAGEMENT_PORT=9500 VIGIE_PORT_OFFSET=500
# VIGIE_ISO_KEEP=1 keeps the private stack's data afterwards (it is always stopped).
# Prints a JSON line with the result and writes it to $VIGIE_ZE_DIR/result.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/isolated-stack.sh
. scripts/lib/isolated-stack.sh
command -v ip >/dev/null || iso_die "ip (iproute2) is missing: apt-get install -y iproute2"
export PATH="$PWD/node_modules/.bin:$PATH"
iso_env "${VIGIE_ZE_DIR:-/tmp/vigie-ze}" 58432 4622 8622 8580 9500 500
iso_prepare
NS="vigie-ze-$$"
started=$SECONDS
rm -f "$VIGIE_ISO_DIR/timings.json"

cleanup() {
  local rc=$?
  iso_say "stopping the private stack"
  ip netns exec "$NS" bash -c '. scripts/lib/isolated-stack.sh; iso_down' || true
  ip netns delete "$NS" 2>/dev/null || true
  exit "$rc"
}
ip netns add "$NS"
trap cleanup EXIT INT TERM
ip netns exec "$NS" ip link set lo up
iso_say "namespace $NS: interfaces $(ip netns exec "$NS" ip -o link show | awk -F': ' '{print $2}' | paste -sd' ' -), routes: $(ip netns exec "$NS" ip route show | wc -l) (loopback only)"

set +e
ip netns exec "$NS" bash -euo pipefail -c '
  . scripts/lib/isolated-stack.sh
  # The namespace is closed: no default route, and an outside address cannot be reached.
  [ -z "$(ip route show default)" ] || iso_die "a default route exists"
  if curl -s --max-time 3 -o /dev/null http://1.1.1.1/; then iso_die "reached 1.1.1.1: the namespace is not closed"; fi
  iso_say "outside unreachable: $(curl -sS --max-time 3 http://1.1.1.1/ 2>&1 | head -c 100)"
  t0=$SECONDS
  iso_up
  iso_say "platform up in $((SECONDS - t0))s; running the scenario (tests/e2e)"
  t1=$SECONDS
  npx jest -c tests/e2e/jest.config.ts --runInBand --ci
  echo "{\"platformStartSeconds\": $((t1 - t0)), \"scenarioSeconds\": $((SECONDS - t1))}" >"$VIGIE_ISO_DIR/timings.json"
'
rc=$?
set -e
timings="$(cat "$VIGIE_ISO_DIR/timings.json" 2>/dev/null || echo '{}')"
echo "{\"zeroEgress\": $([ $rc = 0 ] && echo true || echo false), \"exitCode\": $rc, \"namespace\": \"$NS\", \"totalSeconds\": $((SECONDS - started)), \"timings\": $timings}" | tee "$VIGIE_ISO_DIR/result.json"
exit $rc
