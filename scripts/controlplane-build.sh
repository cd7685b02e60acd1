#!/usr/bin/env bash
# Builds the local Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager) from test/controlplane into a cache outside the
# repository, keyed by Kubernetes version and a hash of the Go module's inputs.
# A warm cache makes this a no-op. Progress goes to stderr; the last line on
# stdout is the directory holding the three binaries. Caching, locking and
# the atomic install are scripts/lib/go-build.sh's.
#
# Environment:
#   SFTOKEN_CONTROLPLANE_CACHE  cache root (default ${SFTOKEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token}/controlplane)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
mod="$root/test/controlplane"
GO_BUILD_NAME=controlplane-build
# shellcheck source=lib/go-build.sh
source "$root/scripts/lib/go-build.sh"

version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$mod/go.mod")
if [[ -z "$version" ]]; then
  go_build_log "cannot read the k8s.io/kubernetes version from $mod/go.mod"
  exit 1
fi
minor=${version#v1.}; minor=${minor%%.*}

# Everything that changes the binaries goes into the key, so editing go.mod or
# a main.go (or this script, or the library) rebuilds even when the version stays the same.
key=$(cd "$mod" && cat go.mod go.sum $(find cmd -name '*.go' | LC_ALL=C sort) "$self" "$root/scripts/lib/go-build.sh" | sha256sum | cut -c1-16)

cache_root=${SFTOKEN_CONTROLPLANE_CACHE:-${SFTOKEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token}/controlplane}

build() {
  local bin=$1 vpkg=k8s.io/component-base/version reported
  go_build_log "building Kubernetes $version (etcd, kube-apiserver, kube-controller-manager); a cold build takes several minutes"
  go_build_package "$mod" ./cmd/... "$bin/" "-s -w -X $vpkg.gitVersion=$version -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean"
  reported=$("$bin/kube-apiserver" --version)
  if [[ "$reported" != "Kubernetes $version" ]]; then
    go_build_log "kube-apiserver reports '$reported', expected 'Kubernetes $version'"
    exit 1
  fi
}

go_build_keyed "$cache_root/$version" "$key" build etcd kube-apiserver kube-controller-manager
