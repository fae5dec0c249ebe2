# shellcheck shell=bash
# nats-server (Debian's package, 2.9.x) with JetStream, run in the background by us (not by systemd).

NATS_DIR="$VIGIE_STATE_DIR/nats"
NATS_CONF="$NATS_DIR/nats-server.conf"
NATS_PID_FILE="$NATS_DIR/nats-server.pid"
NATS_LOG="$NATS_DIR/nats-server.log"
NATS_PERMISSIONS="$VIGIE_REPO_ROOT/config/nats/permissions.json"
NATS_RENDER="$VIGIE_REPO_ROOT/scripts/stack/lib/render-nats-config.js"
NATS_MAX_MEMORY_STORE="${VIGIE_NATS_MAX_MEMORY_STORE:-512MB}"
NATS_MAX_FILE_STORE="${VIGIE_NATS_MAX_FILE_STORE:-8GB}"

nats_bin() { command -v nats-server 2>/dev/null || { [ -x /usr/sbin/nats-server ] && printf /usr/sbin/nats-server; }; }

nats_ensure_installed() {
  [ -n "$(nats_bin)" ] || apt_install nats-server
  [ -n "$(nats_bin)" ] || die "nats-server still missing after apt-get install nats-server"
}

nats_users() { "$(node_bin)" "$NATS_RENDER" users "$NATS_PERMISSIONS"; }

nats_monitor_url() { printf 'http://127.0.0.1:%s' "$VIGIE_NATS_MONITOR_PORT"; }

nats_healthy() { http_ok "$(nats_monitor_url)/healthz"; }

nats_running_here() {
  pid_alive "$NATS_PID_FILE" && tr '\0' ' ' <"/proc/$(pid_of "$NATS_PID_FILE")/cmdline" 2>/dev/null | grep -q -- "$NATS_CONF"
}

# Writes the configuration; prints "changed" when it differs from the previous one.
nats_write_conf() {
  local user node tmp
  node="$(node_bin)"
  mkdir -p "$NATS_DIR"
  for user in $(nats_users); do secret "nats-$user" >/dev/null; done
  tmp="$NATS_CONF.tmp"
  (umask 077 && VIGIE_NATS_LISTEN="127.0.0.1:$VIGIE_NATS_PORT" VIGIE_NATS_HTTP="127.0.0.1:$VIGIE_NATS_MONITOR_PORT" \
    VIGIE_NATS_STORE_DIR="$NATS_DIR" VIGIE_NATS_PID_FILE="$NATS_PID_FILE" \
    VIGIE_NATS_MAX_MEMORY_STORE="$NATS_MAX_MEMORY_STORE" VIGIE_NATS_MAX_FILE_STORE="$NATS_MAX_FILE_STORE" \
    VIGIE_NATS_SECRETS_DIR="$VIGIE_SECRETS_DIR" "$node" "$NATS_RENDER" conf "$NATS_PERMISSIONS" >"$tmp") \
    || die "nats: rendering $NATS_CONF from $NATS_PERMISSIONS failed"
  if ! "$(nats_bin)" -t -c "$tmp" >"$NATS_DIR/config-test.log" 2>&1; then
    tail_log "$NATS_DIR/config-test.log"
    die "nats: generated configuration $tmp is refused by nats-server"
  fi
  if cmp -s "$tmp" "$NATS_CONF"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$NATS_CONF"
    echo changed
  fi
}

nats_start() {
  local changed
  nats_ensure_installed
  changed="$(nats_write_conf)" || exit 1
  if nats_running_here; then
    if [ "$changed" = changed ]; then
      log "nats: configuration changed, reloading pid $(pid_of "$NATS_PID_FILE")"
      "$(nats_bin)" --signal "reload=$NATS_PID_FILE" >/dev/null 2>&1 || die "nats: reload failed"
    fi
    wait_until 30 "nats" "$NATS_LOG" nats_healthy
    log "nats: already running (pid $(pid_of "$NATS_PID_FILE")), reusing"
    return 0
  fi
  rm -f "$NATS_PID_FILE"
  if port_listening "$VIGIE_NATS_PORT" || port_listening "$VIGIE_NATS_MONITOR_PORT"; then
    die "nats: port $VIGIE_NATS_PORT or $VIGIE_NATS_MONITOR_PORT is taken by a process we did not start (stop it or set VIGIE_NATS_PORT / VIGIE_NATS_MONITOR_PORT)"
  fi
  log "nats: starting on 127.0.0.1:$VIGIE_NATS_PORT, monitoring $(nats_monitor_url) (log $NATS_LOG)"
  printf -- "----- %s: started by scripts/stack/up.sh\n" "$(date -u +%FT%TZ)" >>"$NATS_LOG"
  setsid "$(nats_bin)" -c "$NATS_CONF" >>"$NATS_LOG" 2>&1 </dev/null &
  # nats-server writes its own pid file; until then we know the pid from $!.
  echo $! >"$NATS_PID_FILE.starting"
  wait_until 30 "nats" "$NATS_LOG" nats_healthy
  [ -s "$NATS_PID_FILE" ] || mv "$NATS_PID_FILE.starting" "$NATS_PID_FILE"
  rm -f "$NATS_PID_FILE.starting"
}

nats_stop() {
  if nats_running_here; then
    stop_pid_group "$NATS_PID_FILE" nats 30
  else
    log "nats: not running"
    rm -f "$NATS_PID_FILE"
  fi
}

nats_version() {
  local bin
  bin="$(nats_bin)"
  [ -n "$bin" ] && "$bin" --version | sed -E 's/^nats-server: v?//'
}

nats_status() {
  local version
  version="$(nats_version)"
  if nats_running_here && nats_healthy; then
    printf '%-10s %-8s %-10s pid=%s nats://127.0.0.1:%s monitor=%s\n' nats up "$version" "$(pid_of "$NATS_PID_FILE")" "$VIGIE_NATS_PORT" "$(nats_monitor_url)"
  else
    printf '%-10s %-8s %-10s config=%s\n' nats down "${version:-absent}" "$NATS_CONF"
  fi
}
