# shellcheck shell=bash
# PostgreSQL (Debian's packages): our own cluster under $VIGIE_STATE_DIR/pg, run as the postgres OS user.

PG_DIR="$VIGIE_STATE_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/postgres.log"
PG_DB="vigie"
PG_ADMIN_USER="postgres"
# service -> schema it owns; the role is vigie_<service>
PG_SERVICES=(identity ingestion ontology analytics audit)
PG_EXTRA_ROLES=(vigie_audit_writer)

# The Unix socket lives in the state dir unless its path would exceed the kernel's 107-byte limit.
pg_socket_dir() {
  local dir="$PG_DIR/run"
  if [ "${#dir}" -gt 80 ]; then
    dir="/tmp/vigie-pg-$(printf '%s' "$VIGIE_STATE_DIR" | cksum | cut -d' ' -f1)"
  fi
  printf '%s' "$dir"
}

# The bin dir of the cluster's major version (from PG_VERSION), else of the newest installed one.
pg_bin_dir() {
  local major
  if [ -s "$PG_DATA/PG_VERSION" ]; then
    major="$(cat "$PG_DATA/PG_VERSION")"
    [ -x "/usr/lib/postgresql/$major/bin/initdb" ] \
      || die "cluster in $PG_DATA is PostgreSQL $major but /usr/lib/postgresql/$major/bin is missing"
    printf '/usr/lib/postgresql/%s/bin' "$major"
    return
  fi
  # shellcheck disable=SC2012
  major="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sed -E 's#/usr/lib/postgresql/([0-9]+)/.*#\1#' | sort -n | tail -n1)"
  [ -n "$major" ] || return 1
  printf '/usr/lib/postgresql/%s/bin' "$major"
}

pg_ensure_installed() {
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    apt_install postgresql
  fi
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || die "PostgreSQL binaries still missing after apt-get install postgresql"
  id postgres >/dev/null 2>&1 || die "the postgres OS user is missing (it comes with Debian's postgresql package)"
}

as_postgres() { runuser -u postgres -- "$@"; }

# The postgres OS user must be able to traverse every parent of the state dir.
pg_ensure_traversable() {
  local dir="$PG_DIR"
  if as_postgres test -x "$PG_DIR"; then return 0; fi
  while [ "$dir" != "/" ]; do
    dir="$(dirname "$dir")"
    if ! as_postgres test -x "$dir"; then
      log "postgres: chmod o+x $dir (the postgres OS user must traverse it to reach $PG_DATA)"
      chmod o+x "$dir"
    fi
  done
  as_postgres test -x "$PG_DIR" || die "the postgres OS user cannot reach $PG_DIR"
}

pg_admin_password() { secret pg-admin; }
pg_role_password() { secret "pg-$1"; }

pg_admin_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$PG_ADMIN_USER" "$(pg_admin_password)" "$VIGIE_PG_PORT" "$PG_DB"; }

pg_healthy() { "$(pg_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$VIGIE_PG_PORT" -d postgres -U "$PG_ADMIN_USER" 2>/dev/null; }

# True when the postmaster named in the cluster's own pid file runs (a zombie counts as dead).
pg_running_here() {
  local pid
  pid="$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9')"
  proc_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$PG_DATA"
}

pg_initdb() {
  local bin pwfile
  bin="$(pg_bin_dir)"
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  pg_ensure_traversable
  if [ -s "$PG_DATA/PG_VERSION" ]; then return 0; fi
  log "postgres: initdb $PG_DATA ($("$bin/postgres" --version))"
  pwfile="$PG_DIR/.initdb-pw"
  (umask 077 && pg_admin_password >"$pwfile")
  chown postgres:postgres "$pwfile"
  if ! as_postgres "$bin/initdb" -D "$PG_DATA" -U "$PG_ADMIN_USER" --pwfile="$pwfile" \
      --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
    rm -f "$pwfile"
    tail_log "$PG_DIR/initdb.log"
    die "postgres: initdb failed"
  fi
  rm -f "$pwfile"
  printf "\ninclude_if_exists = 'vigie.conf'\n" >>"$PG_DATA/postgresql.conf"
}

pg_write_conf() {
  local sock
  sock="$(pg_socket_dir)"
  mkdir -p "$sock"
  chown postgres:postgres "$sock"
  chmod 755 "$sock"
  cat >"$PG_DATA/vigie.conf" <<CONF
# Written by scripts/stack/lib/postgres.sh on every stack:up; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $VIGIE_PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
password_encryption = 'scram-sha-256'
# Sized for a development machine of a few GiB, not the 128 MB default: a large import otherwise
# spends its time evicting pages and checkpointing every minute (max_wal_size 1 GB).
shared_buffers = '${VIGIE_PG_SHARED_BUFFERS:-512MB}'
max_wal_size = '4GB'
checkpoint_timeout = '15min'
# Per-statement figures for anyone measuring (SELECT … FROM pg_stat_statements, docs/ingestion.md).
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = 'all'
CONF
  chown postgres:postgres "$PG_DATA/vigie.conf"
}

pg_start() {
  local bin
  pg_ensure_installed
  bin="$(pg_bin_dir)"
  pg_initdb
  pg_write_conf
  if pg_running_here; then
    wait_until 30 "postgres" "$PG_LOG" pg_healthy
    log "postgres: already running (pid $(head -n1 "$PG_DATA/postmaster.pid")), reusing"
  else
    if port_listening "$VIGIE_PG_PORT"; then
      die "postgres: port $VIGIE_PG_PORT is taken by a process that is not our cluster in $PG_DATA (stop it or set VIGIE_PG_PORT)"
    fi
    log "postgres: starting on 127.0.0.1:$VIGIE_PG_PORT (log $PG_LOG)"
    touch "$PG_LOG" && chown postgres:postgres "$PG_LOG"
    # One retry: after a crash the old server's children may hold shared memory for a moment.
    if ! as_postgres "$bin/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s >/dev/null 2>&1; then
      log "postgres: start failed, retrying once in 5s"
      sleep 5
      if ! as_postgres "$bin/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s >/dev/null 2>&1; then
        tail_log "$PG_LOG"
        die "postgres: pg_ctl start failed"
      fi
    fi
    wait_until 60 "postgres" "$PG_LOG" pg_healthy
  fi
  pg_provision
}

pg_admin_psql() {
  local db="$1"
  shift
  PGPASSWORD="$(pg_admin_password)" PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$VIGIE_PG_PORT" -U "$PG_ADMIN_USER" -d "$db" "$@"
}

# Idempotent: database, one LOGIN role per service owning its schema, the audit writer role.
pg_provision() {
  local svc sql
  pg_admin_psql postgres >/dev/null <<SQL || die "postgres: creating database $PG_DB failed"
SELECT 'CREATE DATABASE $PG_DB' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL
  sql="REVOKE ALL ON DATABASE $PG_DB FROM PUBLIC;"$'\n'
  # Extensions the services rely on (text search, fuzzy matching), created by the administrator
  # in schema public — in production the CloudNativePG bootstrap SQL does the same.
  sql+="CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;"$'\n'
  sql+="CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;"$'\n'
  sql+="CREATE EXTENSION IF NOT EXISTS fuzzystrmatch WITH SCHEMA public;"$'\n'
  sql+="CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;"$'\n'
  for svc in "${PG_SERVICES[@]}"; do
    sql+="$(pg_role_sql "vigie_$svc" "$(pg_role_password "$svc")")"$'\n'
    sql+="CREATE SCHEMA IF NOT EXISTS $svc AUTHORIZATION vigie_$svc;"$'\n'
    sql+="ALTER SCHEMA $svc OWNER TO vigie_$svc;"$'\n'
    sql+="ALTER ROLE vigie_$svc IN DATABASE $PG_DB SET search_path = $svc;"$'\n'
  done
  # Grants for the writer are made by the audit migrations; here only the role and its search_path.
  sql+="$(pg_role_sql vigie_audit_writer "$(pg_role_password audit_writer)")"$'\n'
  sql+="ALTER ROLE vigie_audit_writer IN DATABASE $PG_DB SET search_path = audit;"$'\n'
  pg_admin_psql "$PG_DB" >/dev/null <<<"$sql" || die "postgres: provisioning roles and schemas failed"
}

# SQL that creates or updates a LOGIN role with the given password and lets it connect to the database.
pg_role_sql() {
  local role="$1" password="$2"
  cat <<SQL
\\set pw '$password'
SELECT format('CREATE ROLE %I LOGIN', '$role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', '$role', :'pw') \\gexec
GRANT CONNECT, TEMPORARY ON DATABASE $PG_DB TO $role;
SQL
}

pg_stop() {
  if ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || [ ! -f "$PG_DATA/postmaster.pid" ]; then
    log "postgres: not running"
    return 0
  fi
  if pg_running_here; then
    log "postgres: stopping cluster $PG_DATA"
    as_postgres "$(pg_bin_dir)/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 -s || die "postgres: pg_ctl stop failed"
  else
    log "postgres: not running"
  fi
}

pg_version() { "$(pg_bin_dir)/postgres" --version | awk '{print $3}'; }

pg_status() {
  local version=""
  if pg_bin_dir >/dev/null 2>&1; then version="$(pg_version)"; fi
  if [ -f "$PG_DATA/postmaster.pid" ] && pg_running_here && pg_healthy; then
    printf '%-10s %-8s %-10s pid=%s 127.0.0.1:%s data=%s\n' postgres up "$version" "$(head -n1 "$PG_DATA/postmaster.pid")" "$VIGIE_PG_PORT" "$PG_DATA"
  else
    printf '%-10s %-8s %-10s data=%s\n' postgres down "${version:-absent}" "$PG_DATA"
  fi
}
