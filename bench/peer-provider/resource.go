package main

import (
	"context"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// tokenResource is sftoken_storefront_token with no platform behind it:
// create and update store the plan, with every value still unknown replaced
// by a fixed placeholder; read keeps the state; delete forgets it.
type tokenResource struct {
	schema     rschema.Schema
	schemaErrs []error
}

var _ resource.ResourceWithImportState = (*tokenResource)(nil)

// report turns a schema that could not be converted into diagnostics.
func (r *tokenResource) report(diags *diag.Diagnostics) {
	for _, err := range r.schemaErrs {
		if err != nil {
			diags.AddError("Peer Schema Not Supported", err.Error())
		}
	}
}

func (r *tokenResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = resourceType
}

func (r *tokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
	r.report(&resp.Diagnostics)
}

func (r *tokenResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.store(req.Plan.Raw, &resp.State.Raw, &resp.Diagnostics)
}

func (r *tokenResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *tokenResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.store(req.Plan.Raw, &resp.State.Raw, &resp.Diagnostics)
}

func (r *tokenResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (r *tokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (r *tokenResource) store(planned tftypes.Value, state *tftypes.Value, diags *diag.Diagnostics) {
	known, err := tftypes.Transform(planned, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		return placeholder(v.Type()), nil
	})
	if err != nil {
		diags.AddError("Peer Cannot Store The Plan", err.Error())
		return
	}
	*state = known
}

// placeholder is the fixed value an unknown of type t becomes: "peer", 0,
// false, an empty collection, or an object of placeholders.
func placeholder(t tftypes.Type) tftypes.Value {
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, "peer")
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(0))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, false)
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}):
		return tftypes.NewValue(t, []tftypes.Value{})
	case t.Is(tftypes.Map{}):
		return tftypes.NewValue(t, map[string]tftypes.Value{})
	case t.Is(tftypes.Object{}):
		object := t.(tftypes.Object)
		fields := make(map[string]tftypes.Value, len(object.AttributeTypes))
		for name, ft := range object.AttributeTypes {
			fields[name] = placeholder(ft)
		}
		return tftypes.NewValue(t, fields)
	}
	return tftypes.NewValue(tftypes.String, "peer")
}
