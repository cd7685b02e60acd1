//go:build tools

// Package tools pins the OpenTofu CLI main package so that `go mod tidy` keeps
// every module it needs; the build tag keeps it out of normal builds.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
