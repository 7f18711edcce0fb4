package httpsec

import (
	"encoding/json"
	"net/http"
)

// tooMany is Better Auth's 429 body: a message and no code.
type tooMany struct {
	Message string `json:"message"`
}

// Error codes and messages sent by this package (Better Auth's
// BASE_ERROR_CODES).
const (
	CodeMissingOrNullOrigin = "MISSING_OR_NULL_ORIGIN"
	CodeInvalidOrigin       = "INVALID_ORIGIN"
	CodeCrossSiteNavigation = "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"

	MsgMissingOrNullOrigin = "Missing or null Origin"
	MsgInvalidOrigin       = "Invalid origin"
	MsgCrossSiteNavigation = "Cross-site navigation login blocked. This request appears to be a CSRF attack."
	MsgTooManyRequests     = "Too many requests. Please try again later."
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
