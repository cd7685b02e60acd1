#!/usr/bin/env bash
# Runs the Terraform or CDKTF example against the embedded sandbox and a local
# Kubernetes control plane, then walks through an origin change, a revocation
# and a destroy:   bash scripts/example.sh terraform|cdktf
# Installs the provider from its release (npm run release:provider) the way a
# user would: signature and checksum checked, zip unpacked into a filesystem
# mirror. Uses terraform from PATH, else OpenTofu (built into a cache on first use).
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

say "provider: the release (npm run release:provider), checked and unzipped into a filesystem mirror like a user would"
case $(uname -m) in
  x86_64 | amd64) target=linux_amd64 ;;
  aarch64 | arm64) target=linux_arm64 ;;
  *) echo "no provider release for $(uname -m)" >&2; exit 1 ;;
esac
version=$(node -p "require('./package.json').version")
release="$work/release"
npm run --silent release:provider -- --out "$release" --platform "$target"
prefix="terraform-provider-sftoken_$version"
# What `init` does against a registry, by hand: the signature over SHA256SUMS
# by the published key, then the zip's checksum in SHA256SUMS.
export GNUPGHOME="$work/gnupg"; mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import "$release/${prefix}_signing-key.asc"
gpg --batch --quiet --verify "$release/${prefix}_SHA256SUMS.sig" "$release/${prefix}_SHA256SUMS"
(cd "$release" && sha256sum --check --ignore-missing "${prefix}_SHA256SUMS")
gpgconf --kill all; unset GNUPGHOME
# docs/terraform.md "By hand": the executable alone in <host>/<namespace>/<type>/<version>/<os_arch>/,
# for both default hosts (Terraform's and OpenTofu's), and a CLI config that takes it from there.
for host in registry.terraform.io registry.opentofu.org; do
  dir="$work/plugins/$host/storefront-token/sftoken/$version/$target"
  mkdir -p "$dir" && unzip -q "$release/${prefix}_$target.zip" -d "$dir"
done
cat >"$work/terraform.rc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$work/plugins"
    include = ["registry.terraform.io/storefront-token/*", "registry.opentofu.org/storefront-token/*"]
  }
  direct { exclude = ["registry.terraform.io/storefront-token/*", "registry.opentofu.org/storefront-token/*"] }
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraform.rc" CHECKPOINT_DISABLE=1

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
