//go:build tools

// Package tools pins the Helm CLI main package so that `go mod tidy` keeps
// every module it needs; the build tag keeps it out of normal builds.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
