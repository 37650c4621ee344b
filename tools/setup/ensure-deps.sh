#!/usr/bin/env bash
# Installs npm dependencies when they are missing or stale, then builds every project (tsc -b, incremental).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

say() { echo "ensure-deps: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

command -v node >/dev/null || die "Node.js is not installed; Octopod needs Node 20 or newer (https://nodejs.org)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || die "Node $(node -v) is too old; Octopod needs Node 20 or newer"
command -v npm >/dev/null || die "npm is not installed (it normally comes with Node.js)"

needs_install() {
  local marker=node_modules/.package-lock.json manifest
  [[ -f $marker ]] || return 0
  for manifest in package.json package-lock.json apps/*/package.json libs/*/package.json; do
    [[ -f $manifest && $manifest -nt $marker ]] && return 0
  done
  return 1
}

if needs_install; then
  say "npm install"
  # Not `npm ci`: lockfiles made here can lack other platforms' optional binaries (see STACK.md).
  npm install --no-audit --no-fund --loglevel=error >&2 || die "npm install failed"
  # npm leaves the marker untouched when nothing changed; touch it so the next run is a no-op.
  [[ -f node_modules/.package-lock.json ]] && touch node_modules/.package-lock.json
fi

# The test runner builds itself, to count a failed build as a failed check.
[[ ${ENSURE_DEPS_NO_BUILD:-0} == 1 ]] && exit 0
npx tsc -b tsconfig.build.json || die "build failed (npx tsc -b tsconfig.build.json)"
