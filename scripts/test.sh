#!/usr/bin/env bash
# `npm test`: installs what is missing, starts the local stack, builds, prepares and starts the
# services, then runs every tier: lint, type checks, unit and integration tests, platform tests.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
started=$SECONDS

ensure_node_modules
say "starting the local stack (PostgreSQL, NATS JetStream, Keycloak)"
bash scripts/stack/up.sh
load_stack_env
build_platform
prepare_platform

# The services under test are always the ones just built; spans go to files so tests can
# follow one trace across processes.
export VIGIE_TRACE_DIR="$VIGIE_STATE_DIR/traces"
rm -rf "$VIGIE_TRACE_DIR" && mkdir -p "$VIGIE_TRACE_DIR"
say "starting the services"
node scripts/lib/services.cjs stop >/dev/null
node scripts/lib/services.cjs start

# The closing `vigie: N passed, N failed` line: every jest run prints a `vigie-test-summary` line
# (tools/jest/summary-reporter.js), which Nx stores with a cached task's output and prints again
# when it replays it; the test phase's output is kept in a log and those lines are added up
# (tools/jest/test-summary.js), so the total is the same whether a task ran or came from the cache.
TEST_LOG="$VIGIE_STATE_DIR/test-output.log"
: >"$TEST_LOG"
exec 3>&1 4>&2
exec > >(tee -a "$TEST_LOG") 2>&1
tee_pid=$!
summary() {
  # Back to the terminal; give tee a moment to write what it still holds (never wait forever:
  # a process left running could keep the pipe open).
  exec 1>&3 2>&4
  for _ in $(seq 50); do kill -0 "$tee_pid" 2>/dev/null || break; sleep 0.1; done
  node tools/jest/test-summary.js "$TEST_LOG" || true
}
# Every service is stopped (services.cjs stop goes on past a failure and verifies each is gone);
# one that could not be stopped is named and fails the run.
final_stop() {
  node scripts/lib/services.cjs stop >/dev/null || { say "some services could not be stopped (named above)"; return 1; }
}
trap 'rc=$?; summary; final_stop || rc=1; exit "$rc"' EXIT

status=0
say "lint, type checks, unit and integration tests"
npx nx run-many -t lint typecheck test --exclude=tests-platform,tests-e2e --output-style=static || status=1
# The end-to-end scenario (issue 9), after the other suites (it reads what its own uploads wrote)
# and before the disruptive ones.
npx nx run-many -t lint typecheck test -p tests-e2e --output-style=static || status=1
# Suites that stop, kill or hang services run last, one project at a time, so no other suite
# meets a service that is down on purpose.
say "disruptive tests (they stop and restart services on purpose, so they run last, alone)"
npx nx run-many -t disruptive --parallel=1 --output-style=static || status=1
say "platform tests (they stop and hang services on purpose, so they run last, alone)"
npx nx run tests-platform:test --output-style=static || status=1

if [ "$status" = 0 ]; then say "all tests passed in $((SECONDS - started))s"; else say "tests FAILED after $((SECONDS - started))s"; fi
exit "$status"
