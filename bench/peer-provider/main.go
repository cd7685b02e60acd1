// Command terraform-provider-sftoken-peer is the benchmark's peer of our
// provider: sftoken_storefront_token with our exact schema (embedded from our
// provider's own `providers schema -json`), served by HashiCorp's
// terraform-plugin-framework, with CRUD that only stores the planned values.
// It answers "how fast would the same resource be in the stack most
// providers use?" for bench/terraform-tokens.ts; nothing else runs it.
// Build it with scripts/peer-provider-build.sh.
package main

import (
	"context"
	_ "embed"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// schemaJSON is bench/peer-provider/schema.ts's output, placed beside the
// sources by the build script.
//
//go:embed schema.json
var schemaJSON []byte

func main() {
	schemas, err := parseSchemas(schemaJSON)
	if err != nil {
		log.Fatal(err)
	}
	err = providerserver.Serve(context.Background(), newProvider(schemas), providerserver.ServeOpts{
		Address:         "registry.terraform.io/storefront-token/sftoken",
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
