package httpsec

import (
	"net/http"
	"strconv"
	"time"
)

// HSTSMaxAge is the Strict-Transport-Security lifetime Latch sends when
// its public URL is https: one year, without includeSubDomains (other
// hosts of the domain are not Latch's to pin).
const HSTSMaxAge = 365 * 24 * time.Hour

// StrictTransportSecurity returns a middleware that adds
// "Strict-Transport-Security: max-age=<maxAge in seconds>" to every answer.
// Use it only when the public URL is https (browsers ignore the header on
// http, and a development http://localhost must not be pinned).
func StrictTransportSecurity(maxAge time.Duration) func(http.Handler) http.Handler {
	v := "max-age=" + strconv.FormatInt(int64(maxAge/time.Second), 10)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", v)
			next.ServeHTTP(w, r)
		})
	}
}
