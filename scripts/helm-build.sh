#!/usr/bin/env bash
# Builds the chart's test tools from the Go module proxy into a cache outside
# the repository, keyed by Helm version and a hash of the Go modules' inputs:
# `helm` (helm.sh/helm/v3, test/helm) and `promql-check` (test/helm/promql:
# Prometheus's own PromQL parser and engine for the chart's alert rules, and
# the Prometheus Operator's API types for its ServiceMonitor and
# PrometheusRule). A warm cache makes this a no-op. Progress goes to stderr;
# the last line on stdout is the directory holding both binaries. Caching,
# locking and the atomic install are scripts/lib/go-build.sh's.
#
# Environment:
#   SFTOKEN_HELM_CACHE  cache root (default ${SFTOKEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token}/helm)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
mod="$root/test/helm"
GO_BUILD_NAME=helm-build
# shellcheck source=lib/go-build.sh
source "$root/scripts/lib/go-build.sh"

version=$(awk '$1 == "helm.sh/helm/v3" && $2 ~ /^v/ { print $2; exit }' "$mod/go.mod")
if [[ -z "$version" ]]; then
  version=$(awk '$1 == "require" && $2 == "helm.sh/helm/v3" { print $3; exit }' "$mod/go.mod")
fi
if [[ -z "$version" ]]; then
  go_build_log "cannot read the helm.sh/helm/v3 version from $mod/go.mod"
  exit 1
fi
# Helm's Makefile stamps the Kubernetes version its client libraries target
# (what `.Capabilities.KubeVersion` says in `helm template` and what
# `helm lint` checks deprecations against); do the same from go.mod.
client_go=$(awk '$1 == "k8s.io/client-go" && $2 ~ /^v0\./ { print $2; exit }' "$mod/go.mod")
if [[ -z "$client_go" ]]; then
  go_build_log "cannot read the k8s.io/client-go version from $mod/go.mod"
  exit 1
fi
k8s_minor=${client_go#v0.}; k8s_minor=${k8s_minor%%.*}

# Everything that changes the binaries goes into the key, so editing go.mod or
# this script (or the library) rebuilds even when the version stays the same.
key=$(cd "$mod" && cat go.mod go.sum tools.go promql/go.mod promql/go.sum promql/*.go "$self" "$root/scripts/lib/go-build.sh" | sha256sum | cut -c1-16)

cache_root=${SFTOKEN_HELM_CACHE:-${SFTOKEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token}/helm}

build() {
  local bin=$1 ldflags reported
  go_build_log "building Helm $version (Kubernetes client 1.$k8s_minor) and promql-check; a cold build takes a few minutes"
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
  ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor"
  go_build_package "$mod" helm.sh/helm/v3/cmd/helm "$bin/helm" "$ldflags"
  go_build_package "$mod/promql" . "$bin/promql-check" "-s -w"
  reported=$("$bin/helm" version --template '{{.Version}}')
  if [[ "$reported" != "$version" ]]; then
    go_build_log "helm reports '$reported', expected '$version'"
    exit 1
  fi
}

go_build_keyed "$cache_root/$version" "$key" build helm promql-check
