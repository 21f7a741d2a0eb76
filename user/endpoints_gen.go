// Code generated from api/openapi.yaml; DO NOT EDIT.

package user

// Operation IDs of the User API, as api/openapi.yaml names them: the Op of
// every *Error and *OpError, and the names package usertest accepts.
const (
	OpClearUser               = "clearUser"
	OpRefreshUser             = "refreshUser"
	OpSelectUser              = "selectUser"
	OpStreamUser              = "streamUser"
	OpStreamUserLastCheckedIn = "streamUserLastCheckedIn"
	OpUpdateUser              = "updateUser"
	OpUserAccessToken         = "userAccessToken"
	OpUserAssociateEntity     = "userAssociateEntity"
	OpUserBetaStatus          = "userBetaStatus"
	OpUserCheckout            = "userCheckout"
	OpUserDisassociateEntity  = "userDisassociateEntity"
	OpUserHasFeatureAccess    = "userHasFeatureAccess"
	OpUserManageSubscriptions = "userManageSubscriptions"
	OpUserPaddleRefresh       = "userPaddleRefresh"
	OpUserProviders           = "userProviders"
	OpUserSnapshot            = "userSnapshot"
	OpUserUpdateVanity        = "userUpdateVanity"
)

// The operations as the spec describes them.
var (
	epClearUser               = endpoint{op: OpClearUser, method: "POST", path: "/user/clear", accept: "", bearer: false, stream: false, jsonErrors: false, statuses: []int{204}}
	epRefreshUser             = endpoint{op: OpRefreshUser, method: "GET", path: "/user/refresh", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500}}
	epSelectUser              = endpoint{op: OpSelectUser, method: "POST", path: "/user/select", accept: "application/json", bearer: true, stream: false, jsonErrors: false, statuses: []int{200}}
	epStreamUser              = endpoint{op: OpStreamUser, method: "GET", path: "/user/stream", accept: "application/json", bearer: false, stream: true, jsonErrors: false, statuses: []int{200}}
	epStreamUserLastCheckedIn = endpoint{op: OpStreamUserLastCheckedIn, method: "GET", path: "/user/last_checked_in/stream", accept: "application/json", bearer: false, stream: true, jsonErrors: false, statuses: []int{200}}
	epUpdateUser              = endpoint{op: OpUpdateUser, method: "POST", path: "/user/update", accept: "application/json", bearer: false, stream: false, jsonErrors: false, statuses: []int{200}}
	epUserAccessToken         = endpoint{op: OpUserAccessToken, method: "GET", path: "/user/access_token", accept: "text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500}}
	epUserAssociateEntity     = endpoint{op: OpUserAssociateEntity, method: "POST", path: "/user/{user}/entities/associate/{entity}", accept: "text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{204, 500}}
	epUserBetaStatus          = endpoint{op: OpUserBetaStatus, method: "POST", path: "/user/beta/status", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500, 511}}
	epUserCheckout            = endpoint{op: OpUserCheckout, method: "POST", path: "/user/checkout", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500}}
	epUserDisassociateEntity  = endpoint{op: OpUserDisassociateEntity, method: "POST", path: "/user/{user}/entities/disassociate/{entity}", accept: "text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{204, 500}}
	epUserHasFeatureAccess    = endpoint{op: OpUserHasFeatureAccess, method: "POST", path: "/user/has_feature_access", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: true, statuses: []int{200, 400, 401, 404, 422, 500}}
	epUserManageSubscriptions = endpoint{op: OpUserManageSubscriptions, method: "POST", path: "/user/manage/subscriptions", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500}}
	epUserPaddleRefresh       = endpoint{op: OpUserPaddleRefresh, method: "GET", path: "/user/paddle/refresh", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500}}
	epUserProviders           = endpoint{op: OpUserProviders, method: "GET", path: "/user/providers", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 500, 501}}
	epUserSnapshot            = endpoint{op: OpUserSnapshot, method: "GET", path: "/user", accept: "application/json", bearer: false, stream: false, jsonErrors: false, statuses: []int{200}}
	epUserUpdateVanity        = endpoint{op: OpUserUpdateVanity, method: "POST", path: "/user/update/vanity", accept: "application/json, text/plain", bearer: false, stream: false, jsonErrors: false, statuses: []int{200, 404, 409, 500, 511}}
)

// endpoints lists every operation, ordered by operation ID.
var endpoints = []endpoint{
	epClearUser,
	epRefreshUser,
	epSelectUser,
	epStreamUser,
	epStreamUserLastCheckedIn,
	epUpdateUser,
	epUserAccessToken,
	epUserAssociateEntity,
	epUserBetaStatus,
	epUserCheckout,
	epUserDisassociateEntity,
	epUserHasFeatureAccess,
	epUserManageSubscriptions,
	epUserPaddleRefresh,
	epUserProviders,
	epUserSnapshot,
	epUserUpdateVanity,
}
