#!/usr/bin/env bash
# The main job on the embedded default: installs and builds what it needs,
# then runs `sftoken demo` (platform sandbox + local Kubernetes control plane
# + operator, end to end). Extra arguments go to `sftoken demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> installing npm dependencies"
  npm ci --no-audit --no-fund
fi
echo "==> local Kubernetes control plane (cached build; the first build takes a few minutes)"
bash scripts/controlplane-build.sh
echo "==> compiling"
npm run --silent build
exec node bin/sftoken.js demo "$@"
