#!/usr/bin/env bash
# The full test suite, exactly as CI runs it (.ci/run calls this script).
# Installs what the tests need, builds the local Kubernetes control plane from
# the Go module proxy into a version-keyed cache (a no-op when warm), checks
# that generated files match the schema, type-checks, lints, and runs every
# vitest suite: unit, adapter contract against the sandbox, control plane,
# operator and Terraform end to end.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "npm dependencies"
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules up to date"
fi

step "local Kubernetes control plane (cached build)"
bash scripts/controlplane-build.sh

step "Helm and promql-check for the chart tests (cached build)"
bash scripts/helm-build.sh

step "image tools: runc, umoci, skopeo (Debian packages, installed when missing)"
bash scripts/image-tools.sh

step "compile"
npm run --silent build

step "generated files match the schema"
npm run --silent generate:check

step "type-check and lint"
npm run --silent typecheck
npm run --silent lint

step "tests"
npx vitest run "$@"
