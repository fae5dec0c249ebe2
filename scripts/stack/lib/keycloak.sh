# shellcheck shell=bash
# Keycloak (quarkus distribution from Maven Central) in dev mode, with its own H2 database under the state dir.

KC_VERSION_WANTED="${VIGIE_KEYCLOAK_VERSION:-26.7.3}"
KC_DIR="$VIGIE_STATE_DIR/keycloak"
KC_HOME="$KC_DIR/keycloak-$KC_VERSION_WANTED"
KC_PID_FILE="$KC_DIR/keycloak.pid"
KC_LOG="$KC_DIR/keycloak.log"
KC_ADMIN_USER="admin"
KC_START_TIMEOUT="${VIGIE_KEYCLOAK_START_TIMEOUT:-900}"

# A JDK that Keycloak supports: 25, else 21, else 17 (installed from apt when none is there).
kc_java_home() {
  local candidate
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25-openjdk* \
    /usr/lib/jvm/temurin-21* /usr/lib/jvm/java-21-openjdk* \
    /usr/lib/jvm/temurin-17* /usr/lib/jvm/java-17-openjdk*; do
    if [ -x "$candidate/bin/java" ]; then
      printf '%s' "$candidate"
      return 0
    fi
  done
  return 1
}

kc_ensure_java() {
  kc_java_home >/dev/null || apt_install openjdk-17-jre-headless
  kc_java_home >/dev/null || die "keycloak: no JDK 25, 21 or 17 under /usr/lib/jvm"
}

kc_ensure_installed() {
  local download work
  [ -x "$KC_HOME/bin/kc.sh" ] && return 0
  kc_ensure_java
  ensure_command mvn maven
  ensure_command unzip unzip
  mkdir -p "$KC_DIR"
  download="$KC_DIR/download"
  work="$(mktemp -d "$KC_DIR/unpack.XXXXXX")"
  log "keycloak: fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION_WANTED:zip with Maven"
  # Run outside the repository so that Maven does not pick up a pom.xml.
  if ! (cd "$work" && JAVA_HOME="$(kc_java_home)" mvn -q -B dependency:copy \
      "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION_WANTED:zip" \
      "-DoutputDirectory=$download" >"$KC_DIR/download.log" 2>&1); then
    tail_log "$KC_DIR/download.log"
    rm -rf "$work"
    die "keycloak: mvn dependency:copy failed"
  fi
  log "keycloak: unpacking into $KC_HOME"
  unzip -q "$download/keycloak-quarkus-dist-$KC_VERSION_WANTED.zip" -d "$work" || die "keycloak: unzip failed"
  [ -x "$work/keycloak-$KC_VERSION_WANTED/bin/kc.sh" ] || die "keycloak: archive has no keycloak-$KC_VERSION_WANTED/bin/kc.sh"
  mv "$work/keycloak-$KC_VERSION_WANTED" "$KC_HOME"
  rm -rf "$work" "$download"
}

kc_management_url() { printf 'http://127.0.0.1:%s' "$VIGIE_KEYCLOAK_MANAGEMENT_PORT"; }

kc_healthy() { http_ok "$(kc_management_url)/health/ready"; }

# kc.sh runs java as a child (dev mode may restart it), so look at the whole process group.
kc_running_here() { group_runs "$(pid_of "$KC_PID_FILE")" "$KC_HOME"; }

kc_start() {
  local started=$SECONDS
  kc_ensure_installed
  if kc_running_here; then
    wait_until "$KC_START_TIMEOUT" "keycloak" "$KC_LOG" kc_healthy
    log "keycloak: already running (pid $(pid_of "$KC_PID_FILE")), reusing"
    return 0
  fi
  rm -f "$KC_PID_FILE"
  if port_listening "$VIGIE_KEYCLOAK_PORT" || port_listening "$VIGIE_KEYCLOAK_MANAGEMENT_PORT"; then
    die "keycloak: port $VIGIE_KEYCLOAK_PORT or $VIGIE_KEYCLOAK_MANAGEMENT_PORT is taken by a process we did not start (stop it or set VIGIE_KEYCLOAK_PORT / VIGIE_KEYCLOAK_MANAGEMENT_PORT)"
  fi
  kc_ensure_java
  log "keycloak: starting $KC_VERSION_WANTED (dev mode) on http://127.0.0.1:$VIGIE_KEYCLOAK_PORT with JAVA_HOME=$(kc_java_home) (log $KC_LOG)"
  # Brute-force detection stays on in the realms, but concurrent successful logins of one user
  # (parallel test suites, a service and its tests) must not lock that user out: Keycloak 26
  # blocks them by default ("user_temporarily_disabled" without any failed login).
  # The bootstrap admin is created only on the first start of a fresh data dir; its password is
  # persisted in the state dir so that every later start (and stack.env) uses the same one.
  printf -- "----- %s: started by scripts/stack/up.sh\n" "$(date -u +%FT%TZ)" >>"$KC_LOG"
  JAVA_HOME="$(kc_java_home)" \
    JAVA_OPTS_KC_HEAP="${VIGIE_KEYCLOAK_HEAP:--Xms256m -Xmx1g}" \
    KC_BOOTSTRAP_ADMIN_USERNAME="$KC_ADMIN_USER" \
    KC_BOOTSTRAP_ADMIN_PASSWORD="$(secret keycloak-admin)" \
    KC_SPI_BRUTE_FORCE_PROTECTOR__DEFAULT_BRUTE_FORCE_DETECTOR__ALLOW_CONCURRENT_REQUESTS=true \
    setsid "$KC_HOME/bin/kc.sh" start-dev \
    --http-host=127.0.0.1 --http-port="$VIGIE_KEYCLOAK_PORT" \
    --http-management-port="$VIGIE_KEYCLOAK_MANAGEMENT_PORT" \
    --health-enabled=true --metrics-enabled=true \
    >>"$KC_LOG" 2>&1 </dev/null &
  echo $! >"$KC_PID_FILE"
  wait_until "$KC_START_TIMEOUT" "keycloak" "$KC_LOG" kc_started_or_dead
  log "keycloak: ready after $((SECONDS - started))s"
}

# Polling predicate: true when healthy; fails fast (log tail) when the process died.
kc_started_or_dead() {
  if ! group_alive "$(pid_of "$KC_PID_FILE")"; then
    tail_log "$KC_LOG" 60
    die "keycloak: process exited during start (see $KC_LOG)"
  fi
  kc_healthy
}

kc_stop() {
  if kc_running_here; then
    stop_pid_group "$KC_PID_FILE" keycloak 60
  else
    log "keycloak: not running"
    rm -f "$KC_PID_FILE"
  fi
}

kc_version() {
  if [ -f "$KC_HOME/version.txt" ]; then
    awk '{print $NF}' "$KC_HOME/version.txt"
  else
    printf '%s' "$KC_VERSION_WANTED"
  fi
}

kc_status() {
  if kc_running_here && kc_healthy; then
    printf '%-10s %-8s %-10s pid=%s http://127.0.0.1:%s management=%s\n' keycloak up "$(kc_version)" "$(pid_of "$KC_PID_FILE")" "$VIGIE_KEYCLOAK_PORT" "$(kc_management_url)"
  elif kc_running_here; then
    printf '%-10s %-8s %-10s pid=%s (not ready yet, log %s)\n' keycloak starting "$(kc_version)" "$(pid_of "$KC_PID_FILE")" "$KC_LOG"
  else
    printf '%-10s %-8s %-10s home=%s\n' keycloak down "$([ -d "$KC_HOME" ] && kc_version || echo absent)" "$KC_HOME"
  fi
}
