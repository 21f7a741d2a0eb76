// Package piecesos is the root of the Go client for the Pieces OS User API.
// Import github.com/pieces-go/pieces-os-client-go/user for the client; this
// package only holds the go:generate line that rebuilds package gen from
// api/openapi.yaml.
package piecesos

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config gen/config.yaml api/openapi.yaml
