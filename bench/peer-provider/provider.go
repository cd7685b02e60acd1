package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// peerProvider accepts our provider's configuration and ignores it: the
// peer's resource talks to nothing.
type peerProvider struct {
	schema   pschema.Schema
	resource tokenResource
}

// newProvider converts the embedded schemas once per process, as a provider
// with a hand-written schema would build its structs once.
func newProvider(s peerSchemas) func() provider.Provider {
	ps, perr := providerSchema(s.Provider)
	rs, rerr := resourceSchema(s.ResourceSchemas[resourceType])
	return func() provider.Provider {
		return &peerProvider{schema: ps, resource: tokenResource{schema: rs, schemaErrs: []error{perr, rerr}}}
	}
}

func (p *peerProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sftoken"
	resp.Version = "peer"
}

func (p *peerProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = p.schema
	p.resource.report(&resp.Diagnostics)
}

func (p *peerProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}

func (p *peerProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &p.resource }}
}

func (p *peerProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}
