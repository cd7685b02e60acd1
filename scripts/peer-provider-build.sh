#!/usr/bin/env bash
# Builds the benchmark's Go peer provider (bench/peer-provider: our
# sftoken_storefront_token schema on terraform-plugin-framework) into a cache
# keyed by a hash of its sources, its go.sum and the schema it embeds. Used
# only by bench/terraform-tokens.ts; not part of `npm test`. A warm cache is a
# no-op. Progress goes to stderr; the last line on stdout is the executable.
#
#   bash scripts/peer-provider-build.sh [SCHEMA_JSON]
# SCHEMA_JSON is bench/peer-provider/schema.ts's output (our provider's
# `providers schema -json`, trimmed); without it the script runs schema.ts,
# which builds our standalone provider (cached) and asks the engine.
#
# Environment:
#   SFTOKEN_CACHE_DIR  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token); the
#                      executable goes to <root>/peer-provider/<key>/bin/terraform-provider-sftoken-peer
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
mod="$root/bench/peer-provider"
GO_BUILD_NAME=peer-provider-build
# shellcheck source=lib/go-build.sh
source "$root/scripts/lib/go-build.sh"

schema=${1:-}
scratch=$(mktemp -d)
go_build_scratch "$scratch"
if [[ -z "$schema" ]]; then
  go_build_log "printing our provider's schema (bench/peer-provider/schema.ts)"
  (cd "$root" && npx tsx bench/peer-provider/schema.ts "$scratch/schema.json")
  schema="$scratch/schema.json"
fi
[[ -s "$schema" ]] || { go_build_log "no schema at $schema"; exit 1; }

# Everything that changes the binary goes into the key: the Go sources and
# modules, the schema, and the build recipe (this script and the library).
key=$(cd "$mod" && cat go.mod go.sum $(ls ./*.go | LC_ALL=C sort) "$schema" "$self" "$root/scripts/lib/go-build.sh" | sha256sum | cut -c1-16)
cache_root="${SFTOKEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token}/peer-provider"
binary=terraform-provider-sftoken-peer

# The module is copied beside the schema, which main.go embeds.
build() {
  local bin=$1 src=$scratch/src
  mkdir -p "$src"
  cp "$mod"/go.mod "$mod"/go.sum "$mod"/*.go "$src/"
  cp "$schema" "$src/schema.json"
  go_build_log "building terraform-plugin-framework $(awk '$1 == "github.com/hashicorp/terraform-plugin-framework" { print $2 }' "$mod/go.mod") peer"
  go_build_package "$src" . "$bin/$binary" "-s -w"
}

go_build_keyed "$cache_root/$key" "$key" build "$binary" >/dev/null
# Only the newest peer is kept (each is ~18 MB); an older key is a stale
# schema or source. Under the lock, when this run built it.
if [[ -n "${GO_BUILD_STAGING:-}" ]]; then
  for old in "$cache_root"/*/; do
    [[ "$old" == "$cache_root/$key/" ]] || rm -rf "$old"
  done
fi
echo "$cache_root/$key/bin/$binary"
