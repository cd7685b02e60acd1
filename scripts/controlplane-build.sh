#!/usr/bin/env bash
# Builds the local Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager) from test/controlplane into a cache outside the
# repository, keyed by Kubernetes version and a hash of the Go module's inputs.
# A warm cache makes this a no-op. Progress goes to stderr; the last line on
# stdout is the directory holding the three binaries.
#
# Environment:
#   SFTOKEN_CONTROLPLANE_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token/controlplane)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
mod="$root/test/controlplane"
binaries=(etcd kube-apiserver kube-controller-manager)

version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$mod/go.mod")
if [[ -z "$version" ]]; then
  echo "controlplane-build: cannot read the k8s.io/kubernetes version from $mod/go.mod" >&2
  exit 1
fi
minor=${version#v1.}; minor=${minor%%.*}

# Everything that changes the binaries goes into the key, so editing go.mod or
# a main.go (or this script) rebuilds even when the version stays the same.
key=$(cd "$mod" && cat go.mod go.sum $(find cmd -name '*.go' | LC_ALL=C sort) "$self" | sha256sum | cut -c1-16)

cache_root=${SFTOKEN_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storefront-token/controlplane}
dest="$cache_root/$version"

is_warm() {
  [[ -f "$dest/key" && "$(cat "$dest/key")" == "$key" ]] || return 1
  local b
  for b in "${binaries[@]}"; do [[ -x "$dest/bin/$b" ]] || return 1; done
}

if is_warm; then
  echo "controlplane-build: $version cached in $dest/bin" >&2
  echo "$dest/bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "controlplane-build: Go is required to build the control plane (none on PATH)" >&2
  exit 1
fi

mkdir -p "$cache_root"
# One builder at a time: a second caller (another test run, the demo) waits
# here and then finds the cache warm.
exec 9>"$cache_root/.lock"
if ! flock -n 9; then
  echo "controlplane-build: another build holds $cache_root/.lock; waiting" >&2
  flock 9
fi
if is_warm; then
  echo "controlplane-build: $version cached in $dest/bin (built by another process)" >&2
  echo "$dest/bin"
  exit 0
fi

staging=$(mktemp -d "$cache_root/.build.XXXXXX")
trap 'rm -rf "$staging"' EXIT
chmod 755 "$staging"
mkdir -p "$staging/bin"

echo "controlplane-build: building Kubernetes $version (etcd, kube-apiserver, kube-controller-manager); a cold build takes several minutes" >&2
start=$(date +%s)
vpkg=k8s.io/component-base/version
ldflags="-s -w -X $vpkg.gitVersion=$version -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean"

# `go build -v` names each package as it compiles; turn that into a progress
# line every 100 packages instead of thousands of lines.
set +e
(
  cd "$mod"
  CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    go build -v -trimpath -ldflags "$ldflags" -o "$staging/bin/" ./cmd/... 2>&1
) | {
  n=0
  while IFS= read -r line; do
    if [[ "$line" == *" "* || "$line" == *":"* ]]; then
      echo "  $line" >&2   # downloads and errors pass through verbatim
      continue
    fi
    n=$((n + 1))
    if (( n % 100 == 0 )); then
      echo "controlplane-build: compiled $n packages ($(( $(date +%s) - start ))s)" >&2
    fi
  done
}
status=${PIPESTATUS[0]}
set -e
if (( status != 0 )); then
  echo "controlplane-build: go build failed (exit $status)" >&2
  exit "$status"
fi

for b in "${binaries[@]}"; do
  [[ -x "$staging/bin/$b" ]] || { echo "controlplane-build: $b missing after build" >&2; exit 1; }
done
reported=$("$staging/bin/kube-apiserver" --version)
if [[ "$reported" != "Kubernetes $version" ]]; then
  echo "controlplane-build: kube-apiserver reports '$reported', expected 'Kubernetes $version'" >&2
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

echo "controlplane-build: built $version in $(( $(date +%s) - start ))s into $dest/bin ($(du -sh "$dest/bin" | cut -f1))" >&2
echo "$dest/bin"
