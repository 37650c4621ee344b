#!/usr/bin/env bash
# Fails when the committed Prisma client (apps/brain/src/generated/prisma) does not match schema.prisma.
# Generates from a copy of the schema in a temporary folder laid out like apps/brain, so the working tree is never
# touched and the generated files (which embed the schema) compare byte for byte.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/prisma"
cp "$root/apps/brain/prisma/schema.prisma" "$tmp/prisma/"
# The CLI wants a schema-engine binary path even for generate; any existing file satisfies it offline.
(cd "$tmp" && PRISMA_SCHEMA_ENGINE_BINARY=/bin/true "$root/node_modules/.bin/prisma" generate --schema prisma/schema.prisma >/dev/null)
if ! diff -r "$tmp/src/generated/prisma" "$root/apps/brain/src/generated/prisma" >/dev/null; then
  echo "apps/brain/src/generated/prisma is out of date: run 'cd apps/brain && PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate' and commit" >&2
  exit 1
fi
echo "prisma client is up to date"
