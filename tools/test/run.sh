#!/usr/bin/env bash
# `npm test`: every check in order — static (lint, build, typecheck, drift), then vitest unit, integration, e2e.
# Later tiers run even when an earlier one fails. Each static check counts as one test. The last line printed is
# always `N passed, N failed`; the exit code is non-zero when anything failed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD

export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/octopod_test
export REDIS_URL=redis://127.0.0.1:6379
export NX_DAEMON=false NX_NO_CLOUD=true

TMP=$(mktemp -d "${TMPDIR:-/tmp}/octopod-test.XXXXXX")
PASSED=0
FAILED=0
SUMMARY=()

banner() { printf '\n=== %s ===\n' "$*"; }

finish() {
  banner summary
  local line
  for line in "${SUMMARY[@]}"; do echo "$line"; done
  rm -rf "$TMP"
  echo "$PASSED passed, $FAILED failed"
  ((FAILED == 0))
  exit $?
}

# One static check = one test.
check() {
  local name=$1
  shift
  banner "$name"
  if "$@"; then
    PASSED=$((PASSED + 1))
    SUMMARY+=("static $name: ok")
  else
    FAILED=$((FAILED + 1))
    SUMMARY+=("static $name: FAILED")
  fi
}

# ---------- setup ----------
banner setup
if ! ENSURE_DEPS_NO_BUILD=1 bash tools/setup/ensure-deps.sh || ! bash tools/setup/ensure-services.sh ||
  ! bash tools/setup/ensure-netns-tools.sh; then
  FAILED=$((FAILED + 1))
  SUMMARY+=("setup: FAILED (dependencies or services; nothing else ran)")
  finish
fi

# ---------- static ----------
# Nx's module-boundary lint rule is silently skipped without a cached project graph (a fresh clone): make one.
lint() { npx nx show projects >/dev/null && npx eslint .; }
check "eslint" lint
check "build" npx tsc -b tsconfig.build.json
check "format" npx prettier --check .
for spec in apps/*/tsconfig.spec.json libs/*/tsconfig.spec.json e2e/tsconfig.json tools/tsconfig.json; do
  [[ -f $spec ]] || continue
  check "typecheck $(dirname "$spec")" npx tsc -p "$spec" --noEmit
done
# Drift checks of committed generated artefacts; each runs only once its script exists.
[[ -f tools/sdk-gen/generate.mjs ]] && check "sdk drift" node tools/sdk-gen/generate.mjs --check
check "openapi drift" node apps/brain/dist/tools/openapi.js --check
check "prisma client drift" bash tools/test/prisma-drift.sh
check "deploy" bash tools/test/check-deploy.sh

# ---------- vitest tiers ----------
# Prints "<passed> <failed>" from a vitest JSON report. A suite that failed without a failed test (e.g. it did not
# load) counts as one failure.
count_report() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let failed = r.numFailedTests ?? 0;
    for (const s of r.testResults ?? []) {
      const anyFailed = (s.assertionResults ?? []).some((a) => a.status === "failed");
      if (s.status === "failed" && !anyFailed) failed += 1;
    }
    console.log(`${r.numPassedTests ?? 0} ${failed}`);
  ' "$1"
}

tier() {
  local name=$1 report="$TMP/$1.json" code counts passed failed
  banner "vitest $name"
  npx vitest run --project "$name" --passWithNoTests --reporter=default --reporter=json \
    --outputFile.json="$report"
  code=$?
  if [[ -f $report ]] && counts=$(count_report "$report"); then
    read -r passed failed <<<"$counts"
  else
    passed=0 failed=0
  fi
  # vitest failed for a reason the report does not show (crash, unhandled error): count it.
  if ((code != 0 && failed == 0)); then
    failed=1
    SUMMARY+=("$name: vitest exited $code without a failed test in its report (counted as 1 failure)")
  fi
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  # Worded unlike the closing line, so only the last line reads as the overall count.
  SUMMARY+=("$(printf 'tier %-11s passed %s, failed %s' "$name" "$passed" "$failed")")
}

tier unit
tier integration
tier e2e

finish
