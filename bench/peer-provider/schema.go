package main

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// jsonSchema is one schema as `providers schema -json` prints it.
type jsonSchema struct {
	Version int64     `json:"version"`
	Block   jsonBlock `json:"block"`
}

// jsonBlock is a block: attributes and nested blocks.
type jsonBlock struct {
	Attributes  map[string]jsonAttribute `json:"attributes"`
	BlockTypes  map[string]jsonBlockType `json:"block_types"`
	Description string                   `json:"description"`
	Deprecated  bool                     `json:"deprecated"`
}

// jsonAttribute is an attribute: a cty type or a nested object type.
type jsonAttribute struct {
	Type        json.RawMessage `json:"type"`
	NestedType  *jsonNestedType `json:"nested_type"`
	Description string          `json:"description"`
	Required    bool            `json:"required"`
	Optional    bool            `json:"optional"`
	Computed    bool            `json:"computed"`
	Sensitive   bool            `json:"sensitive"`
	WriteOnly   bool            `json:"write_only"`
	Deprecated  bool            `json:"deprecated"`
}

// jsonNestedType is a nested attribute's object and how it nests.
type jsonNestedType struct {
	Attributes  map[string]jsonAttribute `json:"attributes"`
	NestingMode string                   `json:"nesting_mode"`
}

// jsonBlockType is a nested block and how it nests.
type jsonBlockType struct {
	NestingMode string    `json:"nesting_mode"`
	Block       jsonBlock `json:"block"`
}

// peerSchemas is the embedded file (bench/peer-provider/schema.ts).
type peerSchemas struct {
	Provider        jsonSchema            `json:"provider"`
	ResourceSchemas map[string]jsonSchema `json:"resource_schemas"`
}

// resourceType is the one resource the peer serves.
const resourceType = "sftoken_storefront_token"

func parseSchemas(data []byte) (peerSchemas, error) {
	var s peerSchemas
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("embedded schema.json: %w", err)
	}
	if _, ok := s.ResourceSchemas[resourceType]; !ok {
		return s, fmt.Errorf("embedded schema.json has no %s", resourceType)
	}
	return s, nil
}

// ctyType turns a JSON cty type ("string", ["list","number"], ["object",{...}])
// into the framework's attribute type.
func ctyType(raw json.RawMessage) (attr.Type, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		switch name {
		case "string":
			return types.StringType, nil
		case "number":
			return types.NumberType, nil
		case "bool":
			return types.BoolType, nil
		case "dynamic":
			return types.DynamicType, nil
		}
		return nil, fmt.Errorf("unknown primitive type %q", name)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) < 2 {
		return nil, fmt.Errorf("cannot read type %s", raw)
	}
	if err := json.Unmarshal(parts[0], &name); err != nil {
		return nil, fmt.Errorf("cannot read type %s", raw)
	}
	switch name {
	case "list", "set", "map":
		elem, err := ctyType(parts[1])
		if err != nil {
			return nil, err
		}
		switch name {
		case "list":
			return types.ListType{ElemType: elem}, nil
		case "set":
			return types.SetType{ElemType: elem}, nil
		}
		return types.MapType{ElemType: elem}, nil
	case "object":
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(parts[1], &fields); err != nil {
			return nil, fmt.Errorf("cannot read object type %s", raw)
		}
		attrTypes := make(map[string]attr.Type, len(fields))
		for field, t := range fields {
			ft, err := ctyType(t)
			if err != nil {
				return nil, err
			}
			attrTypes[field] = ft
		}
		return types.ObjectType{AttrTypes: attrTypes}, nil
	}
	return nil, fmt.Errorf("type %s is not supported by the peer", raw)
}
