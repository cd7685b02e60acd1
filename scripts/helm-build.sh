#!/usr/bin/env bash
# Builds the chart's test tools from the Go module proxy into a cache outside
# the repository, keyed by Helm version and a hash of the Go modules' inputs:
# `helm` (helm.sh/helm/v3, test/helm) and `promql-check` (test/helm/promql:
# Prometheus's own PromQL parser and engine for the chart's alert rules, and
# the Prometheus Operator's API types for its ServiceMonitor and
# PrometheusRule). A warm cache makes this a no-op. Progress goes to stderr;
# the last line on stdout is the directory holding both binaries.
#
# Environment:
#   SFTOKEN_HELM_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token/helm)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
mod="$root/test/helm"

version=$(awk '$1 == "helm.sh/helm/v3" && $2 ~ /^v/ { print $2; exit }' "$mod/go.mod")
if [[ -z "$version" ]]; then
  version=$(awk '$1 == "require" && $2 == "helm.sh/helm/v3" { print $3; exit }' "$mod/go.mod")
fi
if [[ -z "$version" ]]; then
  echo "helm-build: cannot read the helm.sh/helm/v3 version from $mod/go.mod" >&2
  exit 1
fi
# Helm's Makefile stamps the Kubernetes version its client libraries target
# (what `.Capabilities.KubeVersion` says in `helm template` and what
# `helm lint` checks deprecations against); do the same from go.mod.
client_go=$(awk '$1 == "k8s.io/client-go" && $2 ~ /^v0\./ { print $2; exit }' "$mod/go.mod")
if [[ -z "$client_go" ]]; then
  echo "helm-build: cannot read the k8s.io/client-go version from $mod/go.mod" >&2
  exit 1
fi
k8s_minor=${client_go#v0.}; k8s_minor=${k8s_minor%%.*}

# Everything that changes the binary goes into the key, so editing go.mod or
# this script rebuilds even when the version stays the same.
key=$(cd "$mod" && cat go.mod go.sum tools.go promql/go.mod promql/go.sum promql/*.go "$self" | sha256sum | cut -c1-16)

cache_root=${SFTOKEN_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token/helm}
dest="$cache_root/$version"

binaries=(helm promql-check)

is_warm() {
  [[ -f "$dest/key" && "$(cat "$dest/key")" == "$key" ]] || return 1
  local b
  for b in "${binaries[@]}"; do [[ -x "$dest/bin/$b" ]] || return 1; done
}

if is_warm; then
  echo "helm-build: $version cached in $dest/bin" >&2
  echo "$dest/bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "helm-build: Go is required to build Helm (none on PATH)" >&2
  exit 1
fi

mkdir -p "$cache_root"
# One builder at a time: a second caller waits here and then finds the cache warm.
exec 9>"$cache_root/.lock"
if ! flock -n 9; then
  echo "helm-build: another build holds $cache_root/.lock; waiting" >&2
  flock 9
fi
if is_warm; then
  echo "helm-build: $version cached in $dest/bin (built by another process)" >&2
  echo "$dest/bin"
  exit 0
fi

staging=$(mktemp -d "$cache_root/.build.XXXXXX")
trap 'rm -rf "$staging"' EXIT
chmod 755 "$staging"
mkdir -p "$staging/bin"

echo "helm-build: building Helm $version (Kubernetes client 1.$k8s_minor) and promql-check; a cold build takes a few minutes" >&2
start=$(date +%s)
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor"

# build DIR PACKAGE OUTPUT LDFLAGS: `go build -v` names each package as it compiles;
# turn that into a progress line every 100 packages instead of hundreds.
build() {
  local dir=$1 pkg=$2 out=$3 ld=$4 status
  set +e
  (
    cd "$dir"
    CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
      go build -v -trimpath -ldflags "$ld" -o "$out" "$pkg" 2>&1
  ) | {
    n=0
    while IFS= read -r line; do
      if [[ "$line" == *" "* || "$line" == *":"* ]]; then
        echo "  $line" >&2   # downloads and errors pass through verbatim
        continue
      fi
      n=$((n + 1))
      if (( n % 100 == 0 )); then
        echo "helm-build: compiled $n packages ($(( $(date +%s) - start ))s)" >&2
      fi
    done
  }
  status=${PIPESTATUS[0]}
  set -e
  if (( status != 0 )); then
    echo "helm-build: go build $pkg failed (exit $status)" >&2
    exit "$status"
  fi
}
build "$mod" helm.sh/helm/v3/cmd/helm "$staging/bin/helm" "$ldflags"
build "$mod/promql" . "$staging/bin/promql-check" "-s -w"

for b in "${binaries[@]}"; do
  [[ -x "$staging/bin/$b" ]] || { echo "helm-build: $b missing after build" >&2; exit 1; }
done
reported=$("$staging/bin/helm" version --template '{{.Version}}')
if [[ "$reported" != "$version" ]]; then
  echo "helm-build: helm reports '$reported', expected '$version'" >&2
  exit 1
fi
echo "$key" >"$staging/key"

# Install by rename so readers never see a half-written directory.
if [[ -e "$dest" ]]; then
  mv "$dest" "$staging.old"
fi
mv "$staging" "$dest"
rm -rf "$staging.old"
trap - EXIT

echo "helm-build: built $version in $(( $(date +%s) - start ))s into $dest/bin ($(du -sh "$dest/bin" | cut -f1))" >&2
echo "$dest/bin"
