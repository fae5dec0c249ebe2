# Shared by scripts/up.sh, scripts/test.sh and scripts/down.sh: Node dependencies, the platform
# build, and where the local stack keeps its state.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Everything the local stack writes (credentials in stack.env, logs, pids, secrets, traces) lives
# under VIGIE_STATE_DIR, default <repo>/.vigie — the same default as scripts/stack/lib/common.sh
# and scripts/lib/services.cjs. A relative value is taken from the caller's directory. Ports move
# with VIGIE_PG_PORT, VIGIE_NATS_PORT, VIGIE_KEYCLOAK_PORT… (stack) and VIGIE_PORT_OFFSET (services).
if [ -n "${VIGIE_STATE_DIR:-}" ]; then
  mkdir -p "$VIGIE_STATE_DIR"
  VIGIE_STATE_DIR="$(cd "$VIGIE_STATE_DIR" && pwd)"
fi
export VIGIE_STATE_DIR="${VIGIE_STATE_DIR:-$ROOT/.vigie}"
cd "$ROOT"

say() { printf '\033[1m[vigie]\033[0m %s\n' "$*"; }

# Installs node_modules from the lockfile when missing or older than the lockfile. A lockfile
# only newer (a fresh clone beside node_modules copied from another checkout) but with the content
# installed last (node_modules/.installed-lock.sha256) does not reinstall.
# npm puts node_modules/.bin first on the PATH of npm scripts, so once it exists every
# `node`, `npx`, `nx` and `jest` below runs on the pinned Node 22.
ensure_node_modules() {
  local lock_sum
  lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -x node_modules/.bin/nx ] || [ ! -x node_modules/.bin/node ] \
    || { [ package-lock.json -nt node_modules/.package-lock.json ] && [ "$(cat node_modules/.installed-lock.sha256 2>/dev/null)" != "$lock_sum" ]; }; then
    say "installing Node dependencies (npm ci)"
    npm ci --no-audit --no-fund
    echo "$lock_sum" > node_modules/.installed-lock.sha256
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
  hash -r
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" = 22 ] || { echo "expected Node 22 from node_modules/.bin, got $(node --version)" >&2; exit 1; }
}

build_platform() {
  say "building the services"
  npx nx run-many -t build --output-style=static
}

# Migrations, JetStream streams and consumers, Keycloak realms: like migrations, run by a
# command (the Helm chart runs the same commands as Jobs), never on service start.
prepare_platform() {
  say "database migrations"
  node scripts/lib/services.cjs migrate
  say "JetStream streams and consumers"
  node scripts/lib/services.cjs setup-streams
  if [ -f scripts/lib/prepare.d/realms.sh ]; then
    # shellcheck source=/dev/null
    . scripts/lib/prepare.d/realms.sh
  fi
}

# Exports the stack's URLs and credentials ($VIGIE_STATE_DIR/stack.env, written by scripts/stack/up.sh).
load_stack_env() {
  local file="$VIGIE_STATE_DIR/stack.env"
  [ -f "$file" ] || { echo "$file not found: start the stack first (npm run stack:up)" >&2; exit 1; }
  set -a
  # shellcheck source=/dev/null
  . "$file"
  set +a
}

# The gateway's local HTTP port (scripts/lib/services.cjs: 3000 + VIGIE_PORT_OFFSET).
gateway_port() {
  echo $((3000 + ${VIGIE_PORT_OFFSET:-0}))
}
