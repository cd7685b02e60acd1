#!/usr/bin/env bash
# Builds the OpenTofu CLI from the Go module proxy into a cache keyed by version,
# for the Terraform-protocol end-to-end tests. Prints the binary path on stdout
# (last line); progress goes to stderr. One builder at a time per cache
# (scripts/lib/go-build.sh): a second caller waits, then finds it built.
#
#   OPENTOFU_VERSION   release tag to build (default: the one in test/opentofu/go.mod)
#   SFTOKEN_CACHE_DIR  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wrapper="$repo_root/test/opentofu"
default_version="$(awk '$1=="require" && $2=="github.com/opentofu/opentofu" {print $3}' "$wrapper/go.mod")"
version="${OPENTOFU_VERSION:-$default_version}"
cache_root="${SFTOKEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token}"
out_dir="$cache_root/opentofu/$version"
out="$out_dir/tofu"

# provider/tooling/engines.ts shows the lines starting with this prefix as progress.
GO_BUILD_LOG_PREFIX='[opentofu-build]'
# shellcheck source=lib/go-build.sh
source "$repo_root/scripts/lib/go-build.sh"
log() { go_build_log "$@"; }

if [[ -x "$out" ]]; then
  log "cached: $out"
  echo "$out"
  exit 0
fi
if [[ "${SFTOKEN_OPENTOFU_CACHED_ONLY:-}" == "1" ]]; then
  log "not cached: $out (building disabled)"
  exit 3
fi
go_build_need_go 2
go_build_lock "$cache_root/opentofu"
if [[ -x "$out" ]]; then
  log "cached: $out (built by another process)"
  echo "$out"
  exit 0
fi

work="$(mktemp -d)"
go_build_scratch "$work"
cp "$wrapper/go.mod" "$wrapper/tools.go" "$work/"
[[ -f "$wrapper/go.sum" ]] && cp "$wrapper/go.sum" "$work/"
cd "$work"

if [[ "$version" != "$default_version" ]]; then
  log "retargeting wrapper module to github.com/opentofu/opentofu@$version"
  go mod edit -require="github.com/opentofu/opentofu@$version"
  # Drop our replaces and mirror the ones of the requested release instead.
  for r in $(go mod edit -json | awk -F'"' '/"Old":/{getline; print $4}'); do go mod edit -dropreplace="$r"; done
fi
log "mirroring replace and godebug directives from opentofu@$version go.mod"
upstream_mod="$(go mod download -json "github.com/opentofu/opentofu@$version" | awk -F'"' '$2=="GoMod"{print $4}')"
# Every "replace a v => b v" line (single-line form and block form).
sed -n -e 's/^replace[[:space:]]\+\(.*=>.*\)$/\1/p' -e '/^replace[[:space:]]*(/,/^)/{/=>/p}' "$upstream_mod" |
  while read -r old oldv _arrow new newv; do
    [[ -z "$old" ]] && continue
    log "  replace $old $oldv => $new $newv"
    go mod edit -replace="$old@$oldv=$new@$newv"
  done
# godebug settings (tlsmlkem=0 since 1.10) are not inherited either: single-line and block form.
sed -n -e 's/^godebug[[:space:]]\{1,\}\([^([:space:]]\{1,\}=[^[:space:]]\{1,\}\).*/\1/p' \
  -e '/^godebug[[:space:]]*(/,/^)/{s/^[[:space:]]*\([^[:space:]/()]\{1,\}=[^[:space:]]\{1,\}\).*/\1/p;}' "$upstream_mod" |
  while read -r setting; do
    log "  godebug $setting"
    go mod edit -godebug="$setting"
  done

log "resolving modules (go mod tidy)"
go mod tidy -e >&2
if [[ "$version" == "$default_version" && ! -f "$wrapper/go.sum" ]]; then
  cp go.sum "$wrapper/go.sum" # pin checksums for the next builds
fi
go_build_staging "$out_dir"
log "building ./cmd/tofu (several minutes on 2 cores)"
start=$(date +%s)
# version.dev=no drops the "-dev" suffix, so `tofu version` reports the tag.
nice -n 10 go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$GO_BUILD_STAGING/tofu" github.com/opentofu/opentofu/cmd/tofu >&2
go_build_install "$out_dir"
log "built in $(( $(date +%s) - start ))s: $out"
"$out" version >&2 || true
echo "$out"
