package usertest

import "reflect"

// The tables of operations (OperationIDs, lookupOperation and the ids of the
// WebSocket routes) are generated from api/openapi.yaml into
// operations_gen.go by `go generate ./...` from the repository root.

// opStreamLastCheckedIn is the shorter name the stream code uses.
const opStreamLastCheckedIn = opStreamUserLastCheckedIn

// operation describes one route of the User API as the fake serves it.
type operation struct {
	id           string       // operationId in api/openapi.yaml
	body         reflect.Type // type of the JSON request body; nil when the operation takes none
	bodyRequired bool         // the spec marks the request body required
}
