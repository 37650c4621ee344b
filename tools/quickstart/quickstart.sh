#!/usr/bin/env bash
# `npm run quickstart [-- start|stop|status]`: a name server, a brain and three tentacles on this machine, all
# under .run/quickstart/. Running it again reuses what runs and keeps certificates and the root password.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
BASE=$ROOT/.run/quickstart
PIDS=$BASE/pids
LOGS=$BASE/logs
CONFIG=$BASE/config
PKI=$BASE/pki
TENTACLES=(tentacle-1 tentacle-2 tentacle-3)
# Start order; stop goes the other way.
SERVICES=(nameserver brain "${TENTACLES[@]}")

say() { echo "quickstart: $*"; }
die() { echo "quickstart: ERROR: $*" >&2; exit 1; }

app_of() { [[ $1 == tentacle-* ]] && echo tentacle || echo "$1"; }

# The pid of a service if it is running (pid file + live process that is really that service), else nothing.
live_pid() {
  local service=$1 file="$PIDS/$1.pid" pid args
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  args=$(ps -o args= -p "$pid" 2>/dev/null) || return 0
  # Guards against a recycled pid: the process must run this service's config.
  [[ $args == *"apps/$(app_of "$service")/dist/main.js"*"$CONFIG/$service.yaml"* ]] && echo "$pid"
  return 0
}

start_service() {
  local service=$1 pid app
  pid=$(live_pid "$service")
  if [[ -n $pid ]]; then
    say "$service already running (pid $pid)"
    return
  fi
  app=$(app_of "$service")
  [[ -f apps/$app/dist/main.js ]] || die "apps/$app/dist/main.js is missing: the build did not produce it"
  echo "--- quickstart: starting $service at $(date -u +%FT%TZ)" >>"$LOGS/$service.log"
  # setsid: its own session and process group, so it survives this shell and `stop` can end its children too.
  setsid nohup node "apps/$app/dist/main.js" -c "$CONFIG/$service.yaml" >>"$LOGS/$service.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$service.pid"
  say "started $service (pid $!, log .run/quickstart/logs/$service.log)"
}

# Polls `probe` until it succeeds; fails early if the service died, showing the end of its log.
wait_until() {
  local service=$1 timeout=$2 what=$3
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -z $(live_pid "$service") ]]; then
      echo "--- last lines of .run/quickstart/logs/$service.log:" >&2
      tail -n 20 "$LOGS/$service.log" >&2 || true
      die "$service exited before $what"
    fi
    ((SECONDS < deadline)) || die "$service: no $what after ${timeout}s; see .run/quickstart/logs/$service.log"
    sleep 0.3
  done
}

nameserver_ping() { curl -sf --max-time 2 http://127.0.0.1:3456/ping; }
brain_health() {
  curl -sf --max-time 2 --cacert "$PKI/ca.pem" --cert "$PKI/octl.pem" --key "$PKI/octl.key" \
    https://127.0.0.1:12345/healthz
}

# Exit 0 when every quick-start tentacle is online, with a measured delay, according to `octl node get -o json`.
all_online() {
  node tools/quickstart/octl.js node get -o json 2>/dev/null | node -e '
    let text = "";
    process.stdin.on("data", (d) => (text += d)).on("end", () => {
      let data;
      try {
        data = JSON.parse(text);
      } catch {
        process.exit(1);
      }
      const nodes = Array.isArray(data) ? data : (data.nodes ?? []);
      const online = new Set(nodes.filter((n) => n.state === "online" && n.delay !== "-").map((n) => n.name));
      process.exit(process.argv.slice(1).every((name) => online.has(name)) ? 0 : 1);
    });
  ' "${TENTACLES[@]}"
}

start() {
  bash tools/setup/ensure-deps.sh
  bash tools/setup/ensure-services.sh
  node tools/quickstart/prepare.mjs
  command -v curl >/dev/null || die "curl is needed (apt-get install -y curl)"

  start_service nameserver
  wait_until nameserver 30 "answer on http://127.0.0.1:3456/ping" nameserver_ping
  start_service brain
  wait_until brain 90 "answer on https://127.0.0.1:12345/healthz" brain_health
  for service in "${TENTACLES[@]}"; do start_service "$service"; done

  local deadline=$((SECONDS + 60))
  until all_online; do
    if ((SECONDS >= deadline)); then
      die "the tentacles did not all come online within 60s; see .run/quickstart/logs/{brain,tentacle-1,tentacle-2,tentacle-3}.log"
    fi
    for service in "${TENTACLES[@]}" brain; do
      [[ -n $(live_pid "$service") ]] || die "$service stopped; see .run/quickstart/logs/$service.log"
    done
    sleep 0.5
  done

  echo
  node tools/quickstart/octl.js node get -o table || true
  echo
  say "sending README.md to the three tentacles (octl file upload README.md @fstore/quickstart ...)"
  node tools/quickstart/octl.js file upload README.md @fstore/quickstart "${TENTACLES[@]}" ||
    die "file distribution failed; see .run/quickstart/logs/brain.log"
  node tools/quickstart/octl.js file ls @fstore/quickstart tentacle-1 -o table || true
  echo
  say "deploying the helloWorld scenario (octl scen apply examples/helloWorld default -m 'quick start')"
  node tools/quickstart/octl.js scen apply examples/helloWorld default -m 'quick start' -o table ||
    die "the helloWorld scenario did not deploy; see .run/quickstart/logs/brain.log"
  say "its versions (octl scen version helloWorld)"
  node tools/quickstart/octl.js -o table scen version helloWorld || die "could not list the versions of helloWorld"
  say "the nodes' last log lines, merged by time (octl log get @ -l 2)"
  node tools/quickstart/octl.js log get @ -l 2 -o table || die "could not read the nodes' logs"
  cat <<EOF

Octopod is running: name server :3455/:3456, brain API https://127.0.0.1:12345 (docs at /api/docs), 3 tentacles.
  octl:   npm run -s octl -- <command>      (e.g. npm run -s octl -- node get)
  scenario: npm run -s octl -- scen get helloWorld; npm run -s octl -- napp get tentacle-1
  ssh:    npm run -s octl -- ssh set tentacle-1 -u "\$USER" --no-password, then ssh login tentacle-1 (an sshd here)
  logs:   .run/quickstart/logs/
  status: npm run quickstart -- status
  stop:   npm run quickstart -- stop
EOF
}

stop_service() {
  local service=$1 pid
  pid=$(live_pid "$service")
  if [[ -z $pid ]]; then
    [[ -f $PIDS/$service.pid ]] && say "$service was not running"
    rm -f "$PIDS/$service.pid"
    return
  fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    say "stopped $service (pid $pid, killed after 10s)"
  else
    say "stopped $service (pid $pid)"
  fi
  rm -f "$PIDS/$service.pid"
}

stop() {
  local i any=0
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    [[ -f $PIDS/${SERVICES[i]}.pid ]] && any=1
    stop_service "${SERVICES[i]}"
  done
  ((any)) || say "nothing was running"
}

status() {
  local service pid
  for service in "${SERVICES[@]}"; do
    pid=$(live_pid "$service")
    if [[ -n $pid ]]; then
      printf '%-12s running (pid %s)\n' "$service" "$pid"
    else
      printf '%-12s stopped\n' "$service"
    fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: npm run quickstart [-- start|stop|status]" >&2
    exit 2
    ;;
esac
