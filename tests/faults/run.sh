#!/usr/bin/env bash
# `npm run test:faults` (issue 9): kill -9 each service, nats-server and PostgreSQL in turn during
# an ingest and a concurrent read load, on a PRIVATE stack (never the shared one), and check that
# the job completes with exact counts, the audit chain verifies and everything recovers by itself.
# Prints the JSON report of tests/faults/faults.js and writes it to $VIGIE_FAULTS_DIR/report.json
# (and, after each scenario, the report so far to $VIGIE_FAULTS_DIR/report.partial.json).
#
#   VIGIE_FAULTS_ROWS=200000   rows ingested per job (default 200000; use less while developing)
#   VIGIE_FAULTS_MODE=one-job  one job, the kills spread over it (default); per-target: one job per kill
#   VIGIE_FAULTS_ONLY=ingestion,nats   run only these scenarios
#   VIGIE_FAULTS_KEEP=1        leave the private stack running afterwards, and reuse it if it is up
#   VIGIE_FAULTS_DIR=/tmp/faults  ports: PG 58632, NATS 4822/8822, Keycloak 8780/9700, services +600
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../scripts/lib/isolated-stack.sh
. scripts/lib/isolated-stack.sh
export PATH="$PWD/node_modules/.bin:$PATH"
iso_env "${VIGIE_FAULTS_DIR:-/tmp/faults}" 58632 4822 8822 8780 9700 600
iso_prepare
if [ "${VIGIE_FAULTS_KEEP:-0}" = 1 ]; then
  trap 'iso_say "the private stack is left running (VIGIE_FAULTS_KEEP=1); stop it with: VIGIE_FAULTS_DIR=$VIGIE_ISO_DIR bash tests/faults/stop.sh"' EXIT
else
  trap 'iso_say "stopping the private stack"; iso_down' EXIT INT TERM
fi
t0=$SECONDS
if [ "${VIGIE_FAULTS_KEEP:-0}" = 1 ] && curl -sf --max-time 5 "http://127.0.0.1:$((3000 + VIGIE_PORT_OFFSET))/api/v1/health" >/dev/null 2>&1; then
  iso_say "reusing the private platform already up"
  set -a
  # shellcheck source=/dev/null
  . "$VIGIE_STATE_DIR/stack.env"
  set +a
else
  iso_up >&2 # stdout is the report
  iso_say "private platform up in $((SECONDS - t0))s"
fi
node tests/faults/faults.js | tee "$VIGIE_ISO_DIR/report.json"
