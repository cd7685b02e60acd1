// Wrapper module: builds the OpenTofu CLI from the Go module proxy for the
// end-to-end tests (scripts/opentofu-build.sh). Mirrors OpenTofu's own replace
// and godebug directives, because a dependency's replace and godebug
// directives are not inherited (opentofu/opentofu@v1.11.0 go.mod).
module storefront-token.local/opentofu-build

go 1.25.5

godebug (
	tlsmlkem=0
	winsymlink=0
)

require github.com/opentofu/opentofu v1.11.0

replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828
