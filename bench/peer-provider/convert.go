package main

import (
	"fmt"
	"reflect"

	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// The framework has one struct per attribute kind and one package per schema
// kind (provider, resource) with the same field names, so the flags every
// attribute shares are copied by name and only the choice of struct is
// written out per package.

// withFlags copies the flags of a onto attribute (fields the struct lacks,
// such as Computed on a provider attribute, are skipped).
func withFlags[T any](attribute T, a jsonAttribute) T {
	v := reflect.ValueOf(&attribute).Elem()
	set := func(name string, value any) {
		if f := v.FieldByName(name); f.IsValid() {
			f.Set(reflect.ValueOf(value))
		}
	}
	set("Required", a.Required)
	set("Optional", a.Optional)
	set("Computed", a.Computed)
	set("Sensitive", a.Sensitive)
	set("WriteOnly", a.WriteOnly)
	set("Description", a.Description)
	if a.Deprecated {
		set("DeprecationMessage", "Deprecated.")
	}
	return attribute
}

// resourceSchema builds the framework schema of a resource.
func resourceSchema(s jsonSchema) (rschema.Schema, error) {
	attrs, blocks, err := resourceBlock(s.Block)
	return rschema.Schema{Version: s.Version, Attributes: attrs, Blocks: blocks, Description: s.Block.Description}, err
}

func resourceBlock(b jsonBlock) (map[string]rschema.Attribute, map[string]rschema.Block, error) {
	attrs := make(map[string]rschema.Attribute, len(b.Attributes))
	for name, a := range b.Attributes {
		converted, err := resourceAttribute(a)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		attrs[name] = converted
	}
	blocks := make(map[string]rschema.Block, len(b.BlockTypes))
	for name, bt := range b.BlockTypes {
		nestedAttrs, nestedBlocks, err := resourceBlock(bt.Block)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		object := rschema.NestedBlockObject{Attributes: nestedAttrs, Blocks: nestedBlocks}
		switch bt.NestingMode {
		case "single":
			blocks[name] = rschema.SingleNestedBlock{Attributes: nestedAttrs, Blocks: nestedBlocks, Description: bt.Block.Description}
		case "list":
			blocks[name] = rschema.ListNestedBlock{NestedObject: object, Description: bt.Block.Description}
		case "set":
			blocks[name] = rschema.SetNestedBlock{NestedObject: object, Description: bt.Block.Description}
		default:
			return nil, nil, fmt.Errorf("%s: block nesting %q is not supported by the peer", name, bt.NestingMode)
		}
	}
	return attrs, blocks, nil
}

func resourceAttribute(a jsonAttribute) (rschema.Attribute, error) {
	if a.NestedType != nil {
		nested, _, err := resourceBlock(jsonBlock{Attributes: a.NestedType.Attributes})
		if err != nil {
			return nil, err
		}
		object := rschema.NestedAttributeObject{Attributes: nested}
		switch a.NestedType.NestingMode {
		case "single":
			return withFlags(rschema.SingleNestedAttribute{Attributes: nested}, a), nil
		case "list":
			return withFlags(rschema.ListNestedAttribute{NestedObject: object}, a), nil
		case "set":
			return withFlags(rschema.SetNestedAttribute{NestedObject: object}, a), nil
		case "map":
			return withFlags(rschema.MapNestedAttribute{NestedObject: object}, a), nil
		}
		return nil, fmt.Errorf("attribute nesting %q is not supported by the peer", a.NestedType.NestingMode)
	}
	t, err := ctyType(a.Type)
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case basetypes.StringType:
		return withFlags(rschema.StringAttribute{}, a), nil
	case basetypes.NumberType:
		return withFlags(rschema.NumberAttribute{}, a), nil
	case basetypes.BoolType:
		return withFlags(rschema.BoolAttribute{}, a), nil
	case basetypes.DynamicType:
		return withFlags(rschema.DynamicAttribute{}, a), nil
	case types.ListType:
		return withFlags(rschema.ListAttribute{ElementType: t.ElemType}, a), nil
	case types.SetType:
		return withFlags(rschema.SetAttribute{ElementType: t.ElemType}, a), nil
	case types.MapType:
		return withFlags(rschema.MapAttribute{ElementType: t.ElemType}, a), nil
	case types.ObjectType:
		return withFlags(rschema.ObjectAttribute{AttributeTypes: t.AttrTypes}, a), nil
	}
	return nil, fmt.Errorf("type %s is not supported by the peer", a.Type)
}

// providerSchema builds the framework schema of the provider configuration.
func providerSchema(s jsonSchema) (pschema.Schema, error) {
	attrs, blocks, err := providerBlock(s.Block)
	return pschema.Schema{Attributes: attrs, Blocks: blocks, Description: s.Block.Description}, err
}

func providerBlock(b jsonBlock) (map[string]pschema.Attribute, map[string]pschema.Block, error) {
	attrs := make(map[string]pschema.Attribute, len(b.Attributes))
	for name, a := range b.Attributes {
		converted, err := providerAttribute(a)
		if err != nil {
			return nil, nil, fmt.Errorf("provider %s: %w", name, err)
		}
		attrs[name] = converted
	}
	blocks := make(map[string]pschema.Block, len(b.BlockTypes))
	for name, bt := range b.BlockTypes {
		nestedAttrs, nestedBlocks, err := providerBlock(bt.Block)
		if err != nil {
			return nil, nil, err
		}
		object := pschema.NestedBlockObject{Attributes: nestedAttrs, Blocks: nestedBlocks}
		switch bt.NestingMode {
		case "single":
			blocks[name] = pschema.SingleNestedBlock{Attributes: nestedAttrs, Blocks: nestedBlocks, Description: bt.Block.Description}
		case "list":
			blocks[name] = pschema.ListNestedBlock{NestedObject: object, Description: bt.Block.Description}
		case "set":
			blocks[name] = pschema.SetNestedBlock{NestedObject: object, Description: bt.Block.Description}
		default:
			return nil, nil, fmt.Errorf("provider %s: block nesting %q is not supported by the peer", name, bt.NestingMode)
		}
	}
	return attrs, blocks, nil
}

// providerAttribute covers what a provider configuration holds: primitives
// and collections of them (our provider has nothing else).
func providerAttribute(a jsonAttribute) (pschema.Attribute, error) {
	if a.NestedType != nil {
		return nil, fmt.Errorf("nested attributes in the provider configuration are not supported by the peer")
	}
	t, err := ctyType(a.Type)
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case basetypes.StringType:
		return withFlags(pschema.StringAttribute{}, a), nil
	case basetypes.NumberType:
		return withFlags(pschema.NumberAttribute{}, a), nil
	case basetypes.BoolType:
		return withFlags(pschema.BoolAttribute{}, a), nil
	case types.ListType:
		return withFlags(pschema.ListAttribute{ElementType: t.ElemType}, a), nil
	case types.SetType:
		return withFlags(pschema.SetAttribute{ElementType: t.ElemType}, a), nil
	case types.MapType:
		return withFlags(pschema.MapAttribute{ElementType: t.ElemType}, a), nil
	}
	return nil, fmt.Errorf("type %s is not supported by the peer", a.Type)
}
