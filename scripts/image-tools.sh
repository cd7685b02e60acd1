#!/usr/bin/env bash
# Installs, when missing, the Debian packages that read and run the operator
# image the way a cluster would: skopeo (the registry client; reads the
# oci-archive and pushes it), umoci (unpacks an OCI image into a runtime
# bundle) and runc (the OCI runtime containerd uses for Pods). The build
# itself (npm run image) needs only apt-get, dpkg-deb, tar and gzip.
# Quiet and about 50 ms when everything is present.
set -euo pipefail

packages=(runc umoci skopeo)
missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} == 0 )); then
  echo "image-tools: ${packages[*]} present" >&2
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "image-tools: ${missing[*]} missing; as root: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "image-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Waits for another apt (a parallel test run) instead of failing on its lock.
install=(apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}")
if ! "${install[@]}" >"$log" 2>&1; then
  # Package lists absent or stale (the candidate left the mirror): refresh once.
  if ! { apt-get update -qq -o DPkg::Lock::Timeout=300 && "${install[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "image-tools: cannot install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "image-tools: installed ${missing[*]}" >&2
