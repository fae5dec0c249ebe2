#!/usr/bin/env bash
# `npm run test:faults` (issue 9): kill -9 each service, nats-server and PostgreSQL in turn during
# an ingest and a concurrent read load, on a PRIVATE stack (never the shared one), and check that
# the job completes with exact counts, the audit chain verifies and everything recovers by itself.
# Prints the JSON report of tests/faults/faults.js and writes it to $VIGIE_FAULTS_DIR/report.json.
#
#   VIGIE_FAULTS_ROWS=200000   rows ingested per scenario (default 200000; use less while developing)
#   VIGIE_FAULTS_ONLY=ingestion,nats   run only these scenarios
#   VIGIE_FAULTS_DIR=/tmp/vigie-faults  ports: PG 58532, NATS 4722/8722, Keycloak 8680/9600, services +600
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../scripts/lib/isolated-stack.sh
. scripts/lib/isolated-stack.sh
export PATH="$PWD/node_modules/.bin:$PATH"
iso_env "${VIGIE_FAULTS_DIR:-/tmp/vigie-faults}" 58532 4722 8722 8680 9600 600
iso_prepare
trap 'iso_say "stopping the private stack"; iso_down' EXIT INT TERM
t0=$SECONDS
iso_up
iso_say "private platform up in $((SECONDS - t0))s"
node tests/faults/faults.js | tee "$VIGIE_ISO_DIR/report.json"
