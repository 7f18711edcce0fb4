package authhttp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
)

// jsTime marshals like JavaScript's Date.toJSON: UTC, milliseconds, "Z".
type jsTime time.Time

// MarshalJSON implements json.Marshaler.
func (t jsTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

// userJSON is Better Auth's user object as its SQL adapters return it
// (measured on 1.7.25 with SQLite and PostgreSQL: id comes last, image is
// null when unset).
type userJSON struct {
	Name          string  `json:"name"`
	Email         string  `json:"email"`
	EmailVerified bool    `json:"emailVerified"`
	Image         *string `json:"image"`
	CreatedAt     jsTime  `json:"createdAt"`
	UpdatedAt     jsTime  `json:"updatedAt"`
	ID            string  `json:"id"`
}

func userOut(u *latch.User) userJSON {
	return userJSON{ID: u.ID, Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified,
		Image: u.Image, CreatedAt: jsTime(u.CreatedAt), UpdatedAt: jsTime(u.UpdatedAt)}
}

// sessionJSON is Better Auth's session object, token included, in the
// key order of its SQL adapters (id last).
type sessionJSON struct {
	ExpiresAt jsTime `json:"expiresAt"`
	Token     string `json:"token"`
	CreatedAt jsTime `json:"createdAt"`
	UpdatedAt jsTime `json:"updatedAt"`
	IPAddress string `json:"ipAddress"`
	UserAgent string `json:"userAgent"`
	UserID    string `json:"userId"`
	ID        string `json:"id"`
}

func sessionOut(s *latch.Session) sessionJSON {
	return sessionJSON{ID: s.ID, ExpiresAt: jsTime(s.ExpiresAt), Token: s.Token, CreatedAt: jsTime(s.CreatedAt),
		UpdatedAt: jsTime(s.UpdatedAt), IPAddress: s.IPAddress, UserAgent: s.UserAgent, UserID: s.UserID}
}

// errJSON is the error envelope, message first.
type errJSON struct {
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
}

func errorBody(e *auth.Error) errJSON { return errJSON{Message: e.Message, Code: e.Code} }

// writeJSON writes v with Content-Type application/json and
// X-Content-Type-Options: nosniff, without Go's HTML escaping
// (JSON.stringify does not escape <, > or &).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json")
	// Bodies carry session tokens (list-sessions is a GET returning an
	// array): never let a browser sniff them into a script.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A known length lets a handler flush the answer and keep working
	// (request-password-reset) while the client already has it all.
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
