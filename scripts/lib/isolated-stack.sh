# shellcheck shell=bash
# Sourced by scripts/zero-egress.sh and tests/faults/run.sh: a private copy of the whole platform
# (PostgreSQL, NATS JetStream, Keycloak, the six built services) beside the shared one, with its
# own state dir and ports, so that it can be run in a network namespace or killed at will without
# touching the shared stack. The variables are those of scripts/stack/up.sh and
# scripts/lib/services.cjs (VIGIE_STATE_DIR, VIGIE_*_PORT, VIGIE_PORT_OFFSET).

iso_say() { printf '\033[1m[isolated]\033[0m %s\n' "$*" >&2; }
iso_die() { iso_say "ERROR: $*"; exit 1; }

# iso_env <dir> <pg port> <nats port> <nats monitor port> <keycloak port> <keycloak management port> <service port offset>
# Exports the isolation variables; a value already in the environment wins.
iso_env() {
  export VIGIE_ISO_DIR="$1"
  export VIGIE_STATE_DIR="$1/.vigie"
  export VIGIE_PG_PORT="${VIGIE_PG_PORT:-$2}" VIGIE_NATS_PORT="${VIGIE_NATS_PORT:-$3}" VIGIE_NATS_MONITOR_PORT="${VIGIE_NATS_MONITOR_PORT:-$4}"
  export VIGIE_KEYCLOAK_PORT="${VIGIE_KEYCLOAK_PORT:-$5}" VIGIE_KEYCLOAK_MANAGEMENT_PORT="${VIGIE_KEYCLOAK_MANAGEMENT_PORT:-$6}"
  export VIGIE_PORT_OFFSET="${VIGIE_PORT_OFFSET:-$7}"
  export VIGIE_ISO_KC_VERSION="${VIGIE_KEYCLOAK_VERSION:-26.7.3}"
  # nx: no daemon shared with the workspace's, no cloud.
  export NX_DAEMON=false NX_NO_CLOUD=true
  mkdir -p "$VIGIE_STATE_DIR"
}

# Checks what must be there before (installs happen outside, never in a closed namespace) and
# copies the shared stack's unpacked Keycloak without its data (no second download).
iso_prepare() {
  local svc c src dst
  [ "$(id -u)" = 0 ] || iso_die "run as root (the stack runs PostgreSQL as the postgres OS user)"
  [ -x node_modules/.bin/node ] || iso_die "node_modules missing: npm ci first"
  for svc in gateway identity ingestion ontology analytics audit cli; do
    [ -f "dist/apps/$svc/main.js" ] || iso_die "dist/apps/$svc/main.js missing: build first (npx nx run-many -t build)"
  done
  for c in runuser curl nats-server; do command -v "$c" >/dev/null || iso_die "$c missing: npm run stack:up once installs it"; done
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || iso_die "PostgreSQL binaries missing: npm run stack:up once"
  dst="$VIGIE_STATE_DIR/keycloak/keycloak-$VIGIE_ISO_KC_VERSION"
  if [ ! -x "$dst/bin/kc.sh" ]; then
    src="$PWD/.vigie/keycloak/keycloak-$VIGIE_ISO_KC_VERSION"
    [ -x "$src/bin/kc.sh" ] || iso_die "no unpacked Keycloak at $src: npm run stack:up once (it downloads it)"
    iso_say "copying the unpacked Keycloak $VIGIE_ISO_KC_VERSION (without its data) into $VIGIE_STATE_DIR"
    mkdir -p "$dst"
    (cd "$src" && tar --exclude=./data -cf - .) | (cd "$dst" && tar -xf -)
  fi
}

# Starts the stack, prepares it like `npm run up` (migrations, streams, realms) and starts the services.
# Keycloak (a JVM, minutes on a loaded machine) starts in the background while the migrations and
# the streams, which need only PostgreSQL and NATS, are done.
iso_up() {
  local kc_pid kc_log="$VIGIE_STATE_DIR/keycloak-start.log"
  bash scripts/stack/up.sh postgres nats
  iso_load_env
  bash scripts/stack/up.sh keycloak >"$kc_log" 2>&1 &
  kc_pid=$!
  node scripts/lib/services.cjs migrate
  node scripts/lib/services.cjs setup-streams
  if ! wait "$kc_pid"; then
    cat "$kc_log" >&2
    iso_die "keycloak did not start (log above)"
  fi
  cat "$kc_log" >&2
  iso_load_env
  node -e 'require("./scripts/lib/services.cjs").runCommand("identity", "reconcile-realms")' >/dev/null
  node scripts/lib/services.cjs start
}

# Exports the variables of the private stack's stack.env.
iso_load_env() {
  set -a
  # shellcheck source=/dev/null
  . "$VIGIE_STATE_DIR/stack.env"
  set +a
}

# Stops the services and the stack; removes the data unless VIGIE_ISO_KEEP=1.
iso_down() {
  node scripts/lib/services.cjs stop >/dev/null 2>&1 || true
  bash scripts/stack/down.sh >/dev/null 2>&1 || true
  if [ "${VIGIE_ISO_KEEP:-0}" != 1 ] && [ -n "${VIGIE_STATE_DIR:-}" ] && [ "$VIGIE_STATE_DIR" != "$PWD/.vigie" ]; then
    rm -rf "$VIGIE_STATE_DIR/pg" "$VIGIE_STATE_DIR/nats" "$VIGIE_STATE_DIR/keycloak/keycloak-$VIGIE_ISO_KC_VERSION/data" "$VIGIE_STATE_DIR/secrets" "$VIGIE_STATE_DIR/stack.env" "$VIGIE_STATE_DIR/audit-signing-key.pem"
  fi
}
