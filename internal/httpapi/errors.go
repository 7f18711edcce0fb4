package httpapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/latchhq/latch"
)

// StatusClientClosedRequest is the status recorded for a request whose
// client left before the answer (nginx's 499; never read by the client).
const StatusClientClosedRequest = 499

// Error is the body of every error answer.
type Error struct {
	// Detail is a human-readable summary, suitable for showing to a user.
	Detail string `json:"detail" example:"Task not found"`
	// Errors lists the invalid fields or parameters (422 only).
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError describes one invalid field or parameter of a 422 answer.
type FieldError struct {
	// Location is where the field was found.
	Location string `json:"location" schema:"enum=body|query|path" example:"body"`
	// Field is the field or parameter name; empty for the body as a whole.
	Field string `json:"field" example:"title"`
	// Message explains what is wrong.
	Message string `json:"message" example:"Field required"`
}

// httpError is an error that already knows its status and detail.
type httpError struct {
	status int
	detail string
	header http.Header
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s", e.status, e.detail) }

// tooManyRequests is the 429 error, with Retry-After in whole seconds.
func tooManyRequests(retry time.Duration) error {
	secs := int(math.Ceil(retry.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &httpError{
		status: http.StatusTooManyRequests,
		detail: fmt.Sprintf("Too many requests; retry in %d seconds", secs),
		header: http.Header{"Retry-After": {strconv.Itoa(secs)}},
	}
}

// errorResponse maps err to a status and body. It is the only place that
// turns errors into statuses. internal reports whether err is unexpected
// (and must be logged).
func errorResponse(err error) (status int, body Error, header http.Header, internal bool) {
	var (
		he   *httpError
		mbe  *http.MaxBytesError
		verr *latch.ValidationError
	)
	switch {
	case errors.As(err, &he):
		return he.status, Error{Detail: he.detail}, he.header, false
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, Error{Detail: fmt.Sprintf("Request body too large (limit %d KiB)", mbe.Limit>>10)}, nil, false
	case errors.As(err, &verr):
		fields := make([]FieldError, len(verr.Fields))
		for i, f := range verr.Fields {
			fields[i] = FieldError(f)
		}
		return http.StatusUnprocessableEntity, Error{Detail: "Validation failed: " + verr.Error(), Errors: fields}, nil, false
	case errors.Is(err, latch.ErrInvalid):
		return http.StatusUnprocessableEntity, Error{Detail: "Invalid request"}, nil, false
	case errors.Is(err, latch.ErrUnauthenticated):
		return http.StatusUnauthorized, Error{Detail: "Not authenticated"}, http.Header{"Www-Authenticate": {"Bearer"}}, false
	case errors.Is(err, latch.ErrForbidden):
		return http.StatusForbidden, Error{Detail: "Not allowed to access another user's tasks"}, nil, false
	case errors.Is(err, latch.ErrNotFound):
		return http.StatusNotFound, Error{Detail: "Task not found"}, nil, false
	case errors.Is(err, latch.ErrConflict):
		return http.StatusConflict, Error{Detail: "Conflict"}, nil, false
	case errors.Is(err, latch.ErrUnavailable):
		return http.StatusServiceUnavailable, Error{Detail: "Service temporarily unavailable"}, http.Header{"Retry-After": {"5"}}, true
	case errors.Is(err, context.Canceled):
		// The client went away (its request's context ended): nobody reads
		// this answer, and it is not the server's fault, so it is recorded
		// (access log, metrics) as nginx's 499, not as a 5xx.
		return StatusClientClosedRequest, Error{Detail: "Request cancelled"}, nil, false
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, Error{Detail: "Request timed out"}, http.Header{"Retry-After": {"5"}}, false
	default:
		return http.StatusInternalServerError, Error{Detail: "Internal server error"}, nil, true
	}
}

// writeError renders err as a JSON error answer and logs unexpected
// errors through the request logger.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body, header, internal := errorResponse(err)
	if internal {
		a.log(r).Error("task API request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", err)
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	writeJSON(w, status, body)
}
