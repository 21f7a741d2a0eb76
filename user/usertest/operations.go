package usertest

import (
	"reflect"
	"slices"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// Operation ids of the two WebSocket routes, which gen does not serve.
const (
	opStreamUser          = "streamUser"
	opStreamLastCheckedIn = "streamUserLastCheckedIn"
)

// operation describes one route of the User API as the fake serves it.
type operation struct {
	id           string       // operationId in api/openapi.yaml
	body         reflect.Type // type of the JSON request body; nil when the operation takes none
	bodyRequired bool         // the spec marks the request body required
}

// OperationIDs returns the operationId of every operation of the User API,
// the two WebSocket routes included, in alphabetical order: the names that
// FailNext and RespondNext accept and that Request.Operation reports.
func OperationIDs() []string {
	ids := []string{
		"clearUser", "refreshUser", "selectUser", "updateUser",
		"userAccessToken", "userAssociateEntity", "userBetaStatus",
		"userCheckout", "userDisassociateEntity", "userHasFeatureAccess",
		"userManageSubscriptions", "userPaddleRefresh", "userProviders",
		"userSnapshot", "userUpdateVanity",
		opStreamUser, opStreamLastCheckedIn,
	}
	slices.Sort(ids)
	return ids
}

// lookupOperation maps a pattern of the server's ServeMux to the operation
// it serves. The patterns of the HTTP operations are those that
// gen.HandlerWithOptions registers.
func lookupOperation(pattern string) (operation, bool) {
	switch pattern {
	case "POST /user/clear":
		return operation{id: "clearUser"}, true
	case "GET /user/refresh":
		return operation{id: "refreshUser"}, true
	case "POST /user/select":
		return operation{id: "selectUser", body: reflect.TypeFor[gen.Auth0User]()}, true
	case "POST /user/update":
		return operation{id: "updateUser", body: reflect.TypeFor[gen.UserProfile]()}, true
	case "GET /user/access_token":
		return operation{id: "userAccessToken"}, true
	case "POST /user/{user}/entities/associate/{entity}":
		return operation{id: "userAssociateEntity", body: reflect.TypeFor[gen.EntityAssociateToUserInput]()}, true
	case "POST /user/beta/status":
		return operation{id: "userBetaStatus", body: reflect.TypeFor[gen.UserBetaStatus]()}, true
	case "POST /user/checkout":
		return operation{id: "userCheckout", body: reflect.TypeFor[gen.UserCheckoutInput]()}, true
	case "POST /user/{user}/entities/disassociate/{entity}":
		return operation{id: "userDisassociateEntity"}, true
	case "POST /user/has_feature_access":
		return operation{id: "userHasFeatureAccess", body: reflect.TypeFor[gen.HasFeatureAccessInput](), bodyRequired: true}, true
	case "POST /user/manage/subscriptions":
		return operation{id: "userManageSubscriptions", body: reflect.TypeFor[gen.UserManageSubscriptionsInput]()}, true
	case "GET /user/paddle/refresh":
		return operation{id: "userPaddleRefresh"}, true
	case "GET /user/providers":
		return operation{id: "userProviders"}, true
	case "GET /user":
		return operation{id: "userSnapshot"}, true
	case "POST /user/update/vanity":
		return operation{id: "userUpdateVanity", body: reflect.TypeFor[gen.UserProfile]()}, true
	case "GET /user/stream":
		return operation{id: opStreamUser}, true
	case "GET /user/last_checked_in/stream":
		return operation{id: opStreamLastCheckedIn}, true
	}
	return operation{}, false
}
