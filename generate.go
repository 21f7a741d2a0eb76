// Package piecesos is the root of the Go client for the Pieces OS User API.
// Import github.com/pieces-go/pieces-os-client-go/user for the client; this
// package only holds the go:generate lines: the first rebuilds package gen
// from api/openapi.yaml, the second writes the lists that follow from the
// spec and from gen (user/models_gen.go, user/endpoints_gen.go,
// user/usertest/operations_gen.go, cmd/pieces-user/operations_gen.go); the
// table of operations in user/endpoints_gen.go also follows from the
// hand-written methods of user.Client.
package piecesos

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config gen/config.yaml api/openapi.yaml
//go:generate go run -C tools ./genlists -root ..
