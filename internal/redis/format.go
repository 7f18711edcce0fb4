package redis

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/latchhq/latch"
)

// Better Auth reads secondary-storage values with a reviver that turns
// ISO strings into dates; JSON.stringify writes them in UTC with
// milliseconds and "Z". These are the JSON shapes of its keys.

// jsTime is a time written like JavaScript's Date.toJSON.
type jsTime time.Time

const jsLayout = "2006-01-02T15:04:05.000Z"

func (t jsTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(jsLayout) + `"`), nil
}

func (t *jsTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*t = jsTime(v.UTC())
	return nil
}

// sessionJSON is the "session" of a cached session value (the fields of
// the session table).
type sessionJSON struct {
	ID        string  `json:"id"`
	Token     string  `json:"token"`
	UserID    string  `json:"userId"`
	ExpiresAt jsTime  `json:"expiresAt"`
	CreatedAt jsTime  `json:"createdAt"`
	UpdatedAt jsTime  `json:"updatedAt"`
	IPAddress *string `json:"ipAddress"`
	UserAgent *string `json:"userAgent"`
}

// userJSON is the "user" of a cached session value (a user row).
type userJSON struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Email         string  `json:"email"`
	EmailVerified bool    `json:"emailVerified"`
	Image         *string `json:"image"`
	CreatedAt     jsTime  `json:"createdAt"`
	UpdatedAt     jsTime  `json:"updatedAt"`
}

// cachedJSON is the value under the bare session token.
type cachedJSON struct {
	Session sessionJSON `json:"session"`
	User    userJSON    `json:"user"`
}

// activeRef is one entry of active-sessions-<userId>.
type activeRef struct {
	Token     string `json:"token"`
	ExpiresAt int64  `json:"expiresAt"` // epoch ms
}

func toSessionJSON(s *latch.Session) sessionJSON {
	ip, ua := s.IPAddress, s.UserAgent
	return sessionJSON{ID: s.ID, Token: s.Token, UserID: s.UserID, ExpiresAt: jsTime(s.ExpiresAt),
		CreatedAt: jsTime(s.CreatedAt), UpdatedAt: jsTime(s.UpdatedAt), IPAddress: &ip, UserAgent: &ua}
}

func toUserJSON(u *latch.User) userJSON {
	return userJSON{ID: u.ID, Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified,
		Image: u.Image, CreatedAt: jsTime(u.CreatedAt), UpdatedAt: jsTime(u.UpdatedAt)}
}

// encodeSession returns the value Better Auth stores under the token.
func encodeSession(s *latch.Session, u *latch.User) ([]byte, error) {
	return json.Marshal(cachedJSON{Session: toSessionJSON(s), User: toUserJSON(u)})
}

// decodeSession parses a cached value written by Latch or Better Auth.
// Fields other than the table's (plugins' additional fields) are ignored.
func decodeSession(b []byte) (*latch.Session, *latch.User, error) {
	var v cachedJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, nil, fmt.Errorf("redis: cached session: %w", err)
	}
	if v.Session.Token == "" || v.Session.UserID == "" || v.User.ID != v.Session.UserID {
		return nil, nil, fmt.Errorf("redis: cached session: missing token or user")
	}
	s := &latch.Session{ID: v.Session.ID, Token: v.Session.Token, UserID: v.Session.UserID,
		ExpiresAt: time.Time(v.Session.ExpiresAt), CreatedAt: time.Time(v.Session.CreatedAt),
		UpdatedAt: time.Time(v.Session.UpdatedAt)}
	if v.Session.IPAddress != nil {
		s.IPAddress = *v.Session.IPAddress
	}
	if v.Session.UserAgent != nil {
		s.UserAgent = *v.Session.UserAgent
	}
	u := &latch.User{ID: v.User.ID, Name: v.User.Name, Email: v.User.Email, EmailVerified: v.User.EmailVerified,
		Image: v.User.Image, CreatedAt: time.Time(v.User.CreatedAt), UpdatedAt: time.Time(v.User.UpdatedAt)}
	return s, u, nil
}

// rewrite returns the cached value raw with some of its top-level
// "session" fields or its "user" replaced, keeping every other field as
// Better Auth wrote it (as its updateSession and refreshUserSessions do).
func rewrite(raw []byte, session map[string]any, user *latch.User) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	if len(session) > 0 {
		var s map[string]json.RawMessage
		if err := json.Unmarshal(top["session"], &s); err != nil {
			return nil, err
		}
		for k, v := range session {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			s[k] = b
		}
		b, err := json.Marshal(s)
		if err != nil {
			return nil, err
		}
		top["session"] = b
	}
	if user != nil {
		b, err := json.Marshal(toUserJSON(user))
		if err != nil {
			return nil, err
		}
		top["user"] = b
	}
	return json.Marshal(top)
}

// decodeRefs parses active-sessions-<userId>; a damaged list reads as
// empty, as Better Auth's safeJSONParse does.
func decodeRefs(b []byte) []activeRef {
	var refs []activeRef
	if json.Unmarshal(b, &refs) != nil {
		return nil
	}
	return refs
}

// liveRefs keeps the entries expiring after now (in ms) and not in drop,
// sorted by expiry as Better Auth stores them.
func liveRefs(refs []activeRef, nowMs int64, drop map[string]bool) []activeRef {
	out := refs[:0:0]
	for _, r := range refs {
		if r.ExpiresAt > nowMs && !drop[r.Token] {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ExpiresAt < out[j].ExpiresAt })
	return out
}

// ttlSeconds is Better Auth's getTTLSeconds: whole seconds until t, at
// least 0.
func ttlSeconds(t, now time.Time) int64 {
	return max(int64(t.Sub(now)/time.Second), 0)
}
