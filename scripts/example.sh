#!/usr/bin/env bash
# Runs the Terraform or CDKTF example against the embedded sandbox and a local
# Kubernetes control plane, then walks through an origin change, a revocation
# and a destroy:   bash scripts/example.sh terraform|cdktf
# Uses terraform from PATH, else OpenTofu (built into a cache on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-terraform}
root=$(pwd)
work=$(mktemp -d -t sftoken-example-XXXXXX)
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build
engine=$(command -v terraform || command -v tofu || bash scripts/opentofu-build.sh | tail -1)

say "platform sandbox"
node bin/sftoken.js sandbox --port 0 >"$work/sandbox.json" 2>"$work/sandbox.log" &
sandbox_pid=$!
cleanup() {
  kill "$sandbox_pid" 2>/dev/null || true
  node bin/sftoken.js dev-cluster down --state-dir "$work/cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do [[ -s "$work/sandbox.json" ]] && break; sleep 0.1; done
field() { node -e "const j=JSON.parse(require('fs').readFileSync('$work/sandbox.json','utf8'));console.log($1)"; }
export SFTOKEN_BIGCOMMERCE_BASE_URL=$(field j.platforms.bigcommerce.baseUrl) SFTOKEN_BIGCOMMERCE_ACCESS_TOKEN=$(field j.platforms.bigcommerce.accessToken)
export SFTOKEN_CLOUDFLARE_BASE_URL=$(field j.platforms.cloudflare.baseUrl) SFTOKEN_CLOUDFLARE_API_TOKEN=$(field j.platforms.cloudflare.apiToken)
export SFTOKEN_WIZCOMMERCE_BASE_URL=$(field j.platforms.wizcommerce.baseUrl) SFTOKEN_WIZCOMMERCE_EMAIL=$(field j.platforms.wizcommerce.email) SFTOKEN_WIZCOMMERCE_PASSWORD=$(field j.platforms.wizcommerce.password)
export SFTOKEN_AVVYR_BASE_URL=$(field j.platforms.avvyr.baseUrl) SFTOKEN_AVVYR_API_KEY=$(field j.platforms.avvyr.apiKey)
echo "sandbox at $(field j.url)"

say "local Kubernetes control plane"
eval "$(node bin/sftoken.js dev-cluster up --state-dir "$work/cluster" | grep '^export ')"
export TF_VAR_kubeconfig=$KUBECONFIG

say "provider (bundled, installed into a local filesystem mirror)"
export TF_CLI_CONFIG_FILE=$(npx tsx scripts/install-provider.ts "$work/provider" | tail -1)
export CHECKPOINT_DISABLE=1

if [[ $mode == cdktf ]]; then
  say "synthesizing examples/cdktf"
  (cd examples/cdktf && SFTOKEN_EXAMPLE_OUT="$work/cdktf.out" SFTOKEN_EXAMPLE_STATE="$work/cdktf.tfstate" npx tsx main.ts)
  dir=$(ls -d "$work"/cdktf.out/stacks/* | head -1)
  reconfigure() { (cd "$root/examples/cdktf" && SFTOKEN_EXAMPLE_OUT="$work/cdktf.out" SFTOKEN_EXAMPLE_STATE="$work/cdktf.tfstate" "$@" npx tsx main.ts); }
else
  dir="$work/tf"; cp -r examples/terraform "$dir"
fi
cd "$dir"
say "$engine init + apply (one token per platform)"
"$engine" init -input=false >/dev/null
"$engine" apply -auto-approve -input=false
kubectl get secrets -n default -l app.kubernetes.io/managed-by=terraform-provider-sftoken

say "origin change"
if [[ $mode == cdktf ]]; then reconfigure env SFTOKEN_EXAMPLE_ORIGINS=https://new.shop.test; "$engine" apply -auto-approve -input=false
else "$engine" apply -auto-approve -input=false -var 'storefront_origins=["https://new.shop.test"]'; fi

say "revocation"
if [[ $mode == cdktf ]]; then reconfigure env SFTOKEN_EXAMPLE_ORIGINS=https://new.shop.test SFTOKEN_EXAMPLE_REVOKE=1; "$engine" apply -auto-approve -input=false
else "$engine" apply -auto-approve -input=false -var 'storefront_origins=["https://new.shop.test"]' -var revoke_wizcommerce=true; fi

say "destroy (with the same variables: the revocation stays in the configuration)"
if [[ $mode == cdktf ]]; then "$engine" destroy -auto-approve -input=false
else "$engine" destroy -auto-approve -input=false -var 'storefront_origins=["https://new.shop.test"]' -var revoke_wizcommerce=true; fi
cd "$root"
