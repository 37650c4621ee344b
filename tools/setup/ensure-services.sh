#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, trust auth for user postgres) and Redis (127.0.0.1:6379) are running,
# starting or installing them when needed, and that the project's databases exist.
# Fast and silent when everything is already up; says what it does otherwise.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=${OCTOPOD_PG_PORT:-5432} # override only to try this script against a scratch cluster
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
DATABASES=(octopod octopod_test test)

say() { echo "ensure-services: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run '$*' (and sudo is not installed)"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $*: no apt-get here. Install and start them yourself."
  if [[ $APT_UPDATED -eq 0 ]]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    APT_UPDATED=1
  fi
  say "installing $*"
  # Package scripts may fail to start services without systemd; we start them ourselves below.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    die "apt-get install $* failed"
}

# ---------- Redis ----------
redis_ping() {
  # Plain bash so it works before redis-tools is installed.
  local reply
  { exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 2 reply <&3 || reply=
  exec 3>&- 3<&-
  [[ $reply == +PONG* ]]
}

ensure_redis() {
  redis_ping && return 0
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server
    redis_ping && return 0
  fi
  say "starting redis-server on $REDIS_HOST:$REDIS_PORT"
  (cd /tmp && redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save '' --appendonly no \
    >/dev/null) || die "redis-server failed to start"
  for _ in $(seq 1 50); do
    redis_ping && return 0
    sleep 0.2
  done
  die "redis did not answer PING on $REDIS_HOST:$REDIS_PORT after starting it"
}

# ---------- PostgreSQL ----------
psql_admin() { psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAX "$@"; }

pg_accepting() {
  if command -v pg_isready >/dev/null; then
    pg_isready -h "$PG_HOST" -p "$PG_PORT" -q
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

pg_cluster() {
  # "<version> <name>" of the cluster configured for our port.
  pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2; exit}'
}

# Trust for local TCP connections: this is a development/CI database reachable only from this machine.
configure_trust() {
  local version=$1 name=$2 hba
  hba="/etc/postgresql/$version/$name/pg_hba.conf"
  [[ -f $hba ]] || die "no $hba"
  if ! as_root grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    say "configuring trust auth for 127.0.0.1 in $hba"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
}

start_postgres() {
  local cluster version name
  cluster=$(pg_cluster)
  if [[ -z $cluster ]]; then
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
    [[ -n $version ]] || die "PostgreSQL is installed but /usr/lib/postgresql has no version"
    say "creating PostgreSQL cluster $version/main"
    as_root pg_createcluster --port "$PG_PORT" "$version" main >/dev/null
    cluster="$version main"
  fi
  read -r version name <<<"$cluster"
  [[ ${FRESH_POSTGRES:-0} -eq 1 ]] && configure_trust "$version" "$name"
  if pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1==v && $2==n {print $4}' | grep -q online; then
    # Running but possibly with an old pg_hba.conf (fresh install): reload picks up the trust lines.
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload >/dev/null 2>&1 || true
  else
    say "starting PostgreSQL $version/$name"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start ||
      die "pg_ctlcluster $version $name start failed (see /var/log/postgresql/postgresql-$version-$name.log)"
  fi
  for _ in $(seq 1 100); do
    pg_accepting && return 0
    sleep 0.2
  done
  die "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT after starting it"
}

ensure_postgres() {
  if ! command -v psql >/dev/null && pg_accepting; then
    apt_install postgresql-client
  fi
  if ! pg_accepting; then
    if ! command -v pg_ctlcluster >/dev/null || ! command -v psql >/dev/null; then
      apt_install postgresql
      FRESH_POSTGRES=1
    fi
    start_postgres
  fi
  local error
  if ! error=$(psql_admin -c 'select 1' 2>&1 >/dev/null); then
    die "cannot connect as postgres to $PG_HOST:$PG_PORT without a password: $error
  Add 'host all all 127.0.0.1/32 trust' at the top of pg_hba.conf and reload PostgreSQL."
  fi
}

ensure_databases() {
  local existing db
  existing=$(psql_admin -c 'select datname from pg_database')
  for db in "${DATABASES[@]}"; do
    if ! grep -qx "$db" <<<"$existing"; then
      say "creating database $db"
      psql_admin -c "create database \"$db\"" >/dev/null || die "could not create database $db"
    fi
  done
}

ensure_redis
ensure_postgres
ensure_databases
