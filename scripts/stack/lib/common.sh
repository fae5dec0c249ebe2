# shellcheck shell=bash
# Shared helpers for the local stack scripts (sourced, never executed).
# Everything the stack owns lives under VIGIE_STATE_DIR (default: <repo>/.vigie, git-ignored).

VIGIE_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
VIGIE_STATE_DIR="${VIGIE_STATE_DIR:-$VIGIE_REPO_ROOT/.vigie}"
mkdir -p "$VIGIE_STATE_DIR"
VIGIE_STATE_DIR="$(cd "$VIGIE_STATE_DIR" && pwd)"
export VIGIE_STATE_DIR VIGIE_REPO_ROOT

# Ports can be moved (e.g. to run a second stack beside the first one); the defaults are the contract.
VIGIE_PG_PORT="${VIGIE_PG_PORT:-55432}"
VIGIE_NATS_PORT="${VIGIE_NATS_PORT:-4222}"
VIGIE_NATS_MONITOR_PORT="${VIGIE_NATS_MONITOR_PORT:-8222}"
VIGIE_KEYCLOAK_PORT="${VIGIE_KEYCLOAK_PORT:-8080}"
VIGIE_KEYCLOAK_MANAGEMENT_PORT="${VIGIE_KEYCLOAK_MANAGEMENT_PORT:-9000}"

VIGIE_SECRETS_DIR="$VIGIE_STATE_DIR/secrets"
VIGIE_STACK_ENV="$VIGIE_STATE_DIR/stack.env"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# Prints the last lines of a log file to stderr, framed, to explain a failure.
tail_log() {
  local file="$1" lines="${2:-40}"
  if [ -f "$file" ]; then
    printf '[stack] ---- last %s lines of %s ----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf '[stack] ---- end of %s ----\n' "$file" >&2
  else
    printf '[stack] (no log file at %s)\n' "$file" >&2
  fi
}

# apt-get update runs at most once per script run, and only when something must be installed.
_VIGIE_APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "need to install $* but apt-get is not available"
  if [ "$_VIGIE_APT_UPDATED" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    _VIGIE_APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || die "apt-get install $* failed"
}

# ensure_command <command> <debian package>
ensure_command() {
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "command '$1' still missing after installing package '$2'"
}

# A random secret made of hex characters (safe in URLs, shell and config files).
random_secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# secret <name>: prints the persisted secret, generating it on first use.
secret() {
  local name="$1" file="$VIGIE_SECRETS_DIR/$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$VIGIE_SECRETS_DIR"
    chmod 700 "$VIGIE_SECRETS_DIR"
    (umask 077 && random_secret >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  cat "$file"
}

# proc_alive <pid>: true when the process runs (a zombie, killed but not yet reaped, counts as dead).
proc_alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  ! grep -qE '^State:[[:space:]]+Z' "/proc/$1/status" 2>/dev/null
}

# pid_alive <pid file>: true when the file names a running process.
pid_alive() {
  [ -s "$1" ] || return 1
  proc_alive "$(head -n1 "$1" | tr -dc '0-9')"
}

# group_alive <pgid>: true when a live (non-zombie) process of that process group remains (read from /proc).
group_alive() {
  local stat rest proc state pgrp
  [ -n "$1" ] || return 1
  for proc in /proc/[0-9]*; do
    stat="$(cat "$proc/stat" 2>/dev/null)" || continue
    rest="${stat##*) }" # fields after "pid (comm) ": state ppid pgrp ...
    read -r state _ pgrp _ <<<"$rest"
    if [ "$pgrp" = "$1" ] && [ "$state" != Z ]; then return 0; fi
  done
  return 1
}

# group_runs <pgid> <text>: true when a live process of the group has <text> in its command line.
group_runs() {
  local stat rest proc state pgrp
  [ -n "$1" ] || return 1
  for proc in /proc/[0-9]*; do
    stat="$(cat "$proc/stat" 2>/dev/null)" || continue
    rest="${stat##*) }"
    read -r state _ pgrp _ <<<"$rest"
    if [ "$pgrp" = "$1" ] && [ "$state" != Z ] && tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -q -- "$2"; then
      return 0
    fi
  done
  return 1
}

pid_of() { head -n1 "$1" 2>/dev/null | tr -dc '0-9'; }

# port_listening <port>: true when something listens on 127.0.0.1:<port>.
port_listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# http_ok <url>: true when the URL answers 2xx.
http_ok() { curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null; }

# wait_until <seconds> <what> <log file> <command...>: polls the command every second, for at most
# <seconds> of wall-clock time.
wait_until() {
  local timeout="$1" what="$2" logfile="$3" deadline
  shift 3
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$what did not become healthy within ${timeout}s"
      tail_log "$logfile" 60
      die "$what is not healthy (see $logfile)"
    fi
    sleep 1
  done
}

# Stops the process group <pid file> names (the service was started with setsid, so its pid is the
# group id), waiting up to <seconds> for every process of the group to exit.
stop_pid_group() {
  local pidfile="$1" what="$2" timeout="${3:-30}" pid waited=0
  pid="$(pid_of "$pidfile")"
  if ! group_alive "$pid"; then
    log "$what: not running (no live process group for $pidfile)"
    rm -f "$pidfile"
    return 0
  fi
  log "$what: stopping process group $pid"
  kill -TERM -- "-$pid" 2>/dev/null || true
  while group_alive "$pid"; do
    if [ "$waited" -ge "$timeout" ]; then
      log "$what: still running after ${timeout}s, sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  rm -f "$pidfile"
}

# node for small helpers: the repository's Node 22 when installed, else any node on PATH.
node_bin() {
  if [ -x "$VIGIE_REPO_ROOT/node_modules/.bin/node" ]; then
    printf '%s' "$VIGIE_REPO_ROOT/node_modules/.bin/node"
  elif command -v node >/dev/null 2>&1; then
    command -v node
  else
    apt_install nodejs
    command -v node
  fi
}
