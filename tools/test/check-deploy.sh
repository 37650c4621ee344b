#!/usr/bin/env bash
# Static checks of deploy/: every systemd unit through `systemd-analyze verify` (any warning fails), the rules our
# units keep, the shell scripts through `bash -n` (and shellcheck when installed), and the compose file through
# `docker compose config` when Docker Compose is installed. Run by `npm test` (static tier) as one check.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
UNITS=deploy/systemd
FAILED=0

say() { echo "check-deploy: $*"; }
fail() {
  echo "check-deploy: FAIL: $*" >&2
  FAILED=1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/check-deploy.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---------- systemd-analyze ----------
ensure_systemd_analyze() {
  command -v systemd-analyze >/dev/null && return 0
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing systemd (for systemd-analyze)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null; } ||
      return 1
    command -v systemd-analyze >/dev/null
  else
    return 1
  fi
}

# Prints what `systemd-analyze verify` says about the units given; fails when it exits non-zero.
verify_units() {
  systemd-analyze verify --man=no "$@" 2>&1
}

verify_systemd_units() {
  local node copy unit out
  # verify insists that ExecStart's program exists; the arguments (/opt/octopod/...) are not checked. Units name
  # /usr/bin/node: verify copies that name the node found here when it lives elsewhere.
  node=/usr/bin/node
  [[ -x $node ]] || node=$(command -v node) || {
    fail "no node binary to stand in for /usr/bin/node"
    return
  }
  mkdir -p "$TMP/units"
  for unit in "$UNITS"/*.service; do
    copy="$TMP/units/$(basename "$unit")"
    sed "s|^ExecStart=/usr/bin/node |ExecStart=$node |" "$unit" >"$copy"
  done

  # The check must be able to fail: a unit with an unknown directive has to draw a warning.
  printf '[Service]\nExecStart=%s\nNoSuchDirective=1\n' "$node" >"$TMP/probe.service"
  if [[ -z $(verify_units "$TMP/probe.service" || true) ]]; then
    fail "systemd-analyze verify did not warn about an unknown directive; it cannot check the units"
    return
  fi

  # All at once, so references between them (Conflicts=) resolve.
  if ! out=$(verify_units "$TMP"/units/*.service) || [[ -n $out ]]; then
    fail "systemd-analyze verify:"
    printf '%s\n' "$out" | sed "s|$TMP/units/|$UNITS/|g" >&2
  else
    say "systemd-analyze verify: $(find "$TMP/units" -name '*.service' | wc -l) units clean"
  fi
}

# ---------- the rules our units keep ----------
unit_has() { grep -qxF -- "$2" "$1"; }

check_unit_rules() {
  local unit name base hardening reference=""
  for unit in "$UNITS"/*.service; do
    base=$(basename "$unit" .service)
    name=${base#octopod-}
    # The api and worker roles share the brain's env file, then read their own.
    unit_has "$unit" "EnvironmentFile=-/etc/octopod/${name%%-*}.env" || fail "$unit: no EnvironmentFile=-/etc/octopod/${name%%-*}.env"
    unit_has "$unit" "Restart=on-failure" || fail "$unit: Restart=on-failure missing"
    unit_has "$unit" "Type=notify" || fail "$unit: not Type=notify"
    unit_has "$unit" "NotifyAccess=all" || fail "$unit: Type=notify through systemd-notify needs NotifyAccess=all"
    grep -q '^Requires=' "$unit" && fail "$unit: use Wants= (a database restart must not stop Octopod)"
    case $name in
      tentacle)
        # Users' commands inherit these: sudo, package installs and writes anywhere must keep working.
        grep -Eq '^(NoNewPrivileges|ProtectSystem|PrivateTmp|CapabilityBoundingSet)=' "$unit" &&
          fail "$unit: no sandboxing on the tentacle, its users' commands would inherit it"
        ;;
      brain*|nameserver)
        unit_has "$unit" "User=octopod" || fail "$unit: should run as the octopod user"
        hardening=$(sed -n '/^NoNewPrivileges=/,/^RestrictAddressFamilies=/p' "$unit")
        [[ -n $hardening ]] || fail "$unit: hardening block (NoNewPrivileges= ... RestrictAddressFamilies=) missing"
        if [[ -z $reference ]]; then
          reference=$hardening
        elif [[ $hardening != "$reference" ]]; then
          fail "$unit: hardening differs from the other brain and name server units; keep them alike"
        fi
        ;;
    esac
    case $name in
      brain*)
        unit_has "$unit" "After=network-online.target postgresql.service redis-server.service" ||
          fail "$unit: should start after a local Postgres and Redis"
        ;;
    esac
  done
}

# ---------- shell scripts ----------
check_scripts() {
  local script
  while IFS= read -r script; do
    bash -n "$script" || fail "$script: bash -n"
    if command -v shellcheck >/dev/null; then
      shellcheck -x "$script" || fail "$script: shellcheck"
    fi
  done < <(find deploy -name '*.sh' -type f | sort)
  command -v shellcheck >/dev/null || say "shellcheck not installed: bash -n only"
  bash deploy/install-tentacle.sh --help >/dev/null || fail "deploy/install-tentacle.sh --help failed"
}

# ---------- compose ----------
check_compose() {
  local file=deploy/compose.yaml compose=()
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose -f "$file")
  elif command -v docker-compose >/dev/null; then
    # Compose v1 predates the top-level `name:`; check the rest of the file with it.
    grep -v '^name: ' "$file" >"$TMP/compose.yaml"
    compose=(docker-compose -f "$TMP/compose.yaml" --project-directory deploy)
  else
    say "Docker Compose not installed: $file not checked"
    return
  fi
  # Required variables get stand-ins: the check is about the file, not about this machine's secrets.
  if OCTOPOD_ROOT_PASSWORD=check-only POSTGRES_PASSWORD=check-only OCTOPOD_PUBLIC_HOST=192.0.2.1 \
    "${compose[@]}" config -q; then
    say "${compose[0]} config: $file valid"
  else
    fail "$file: ${compose[*]} config"
  fi
}

if ensure_systemd_analyze; then
  verify_systemd_units
else
  say "systemd-analyze not installed (and cannot install it: not root or no apt-get): units not verified"
fi
check_unit_rules
check_scripts
check_compose

((FAILED == 0)) || exit 1
say "ok"
