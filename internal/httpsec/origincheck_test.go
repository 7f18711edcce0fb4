package httpsec

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// okHandler answers 200 "ok" and records that it ran.
func okHandler(ran *bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*ran = true
		_, _ = w.Write([]byte("ok"))
	})
}

func TestOriginCheck(t *testing.T) {
	o := mustOrigins("http://localhost:8080", "http://localhost:3000")
	const (
		missing = `{"message":"Missing or null Origin","code":"MISSING_OR_NULL_ORIGIN"}`
		invalid = `{"message":"Invalid origin","code":"INVALID_ORIGIN"}`
		xsite   = `{"message":"Cross-site navigation login blocked. This request appears to be a CSRF attack.","code":"CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"}`
	)
	cookie := "better-auth.session_token=abc.def"
	tests := []struct {
		name    string
		method  string
		path    string
		host    string
		headers map[string]string
		want    string // "" = passes to the handler
	}{
		{name: "GET with cookie and no origin passes", method: "GET", path: "/api/auth/get-session", headers: map[string]string{"Cookie": cookie}},
		{name: "HEAD passes", method: "HEAD", path: "/api/auth/ok", headers: map[string]string{"Cookie": cookie}},
		{name: "OPTIONS passes", method: "OPTIONS", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Origin": "https://evil.com"}},
		{name: "POST without cookie passes (bearer client)", method: "POST", path: "/api/auth/update-user", headers: map[string]string{"Authorization": "Bearer x"}},
		{name: "POST without cookie with evil origin passes", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Origin": "https://evil.com"}},
		{name: "cookie no origin no referer", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie}, want: missing},
		{name: "empty cookie header still counts", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": ""}, want: missing},
		{name: "cookie origin null", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Origin": "null"}, want: missing},
		{name: "cookie origin null with trusted referer still null", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Origin": "null", "Referer": "http://localhost:3000/x"}, want: missing},
		{name: "cookie origin null same-origin uses own host", method: "POST", path: "/api/auth/sign-out", host: "localhost:8080", headers: map[string]string{"Cookie": cookie, "Origin": "null", "Sec-Fetch-Site": "same-origin"}},
		{name: "cookie origin null same-origin untrusted host", method: "POST", path: "/api/auth/sign-out", host: "evil.com", headers: map[string]string{"Cookie": cookie, "Origin": "null", "Sec-Fetch-Site": "same-origin"}, want: invalid},
		{name: "cookie origin null same-site is not enough", method: "POST", path: "/api/auth/sign-out", host: "localhost:8080", headers: map[string]string{"Cookie": cookie, "Origin": "null", "Sec-Fetch-Site": "same-site"}, want: missing},
		{name: "cookie trusted origin", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Origin": "http://localhost:3000"}},
		{name: "cookie base origin", method: "DELETE", path: "/api/auth/x", headers: map[string]string{"Cookie": cookie, "Origin": "http://localhost:8080"}},
		{name: "cookie untrusted origin", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Origin": "https://evil.com"}, want: invalid},
		{name: "cookie untrusted origin trusted referer", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Origin": "https://evil.com", "Referer": "http://localhost:3000/"}, want: invalid},
		{name: "cookie trusted referer only", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Referer": "http://localhost:3000/account?tab=1"}},
		{name: "cookie untrusted referer only", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Cookie": cookie, "Referer": "https://evil.com/localhost:3000"}, want: invalid},
		{name: "cookie PATCH untrusted", method: "PATCH", path: "/api/auth/x", headers: map[string]string{"Cookie": cookie, "Origin": "http://localhost:3001"}, want: invalid},
		{name: "sign-in no headers passes (curl)", method: "POST", path: "/api/auth/sign-in/email"},
		{name: "sign-in cross-site navigate blocked", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Origin": "http://localhost:3000"}, want: xsite},
		{name: "sign-up cross-site navigate blocked", method: "POST", path: "/api/auth/sign-up/email", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, want: xsite},
		{name: "sign-in trailing slash still guarded", method: "POST", path: "/api/auth/sign-in/email/", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, want: xsite},
		{name: "sign-in cross-site cors without origin", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, want: missing},
		{name: "sign-in cross-site cors trusted origin", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Origin": "http://localhost:3000"}},
		{name: "sign-in same-origin untrusted origin", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.com"}, want: invalid},
		{name: "sign-in only Sec-Fetch-Dest forces check", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Sec-Fetch-Dest": "empty"}, want: missing},
		{name: "sign-in blank Sec-Fetch-Site ignored", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Sec-Fetch-Site": "  "}},
		{name: "sign-in origin without metadata forces check", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Origin": "https://evil.com"}, want: invalid},
		{name: "sign-in referer without metadata forces check", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Referer": "https://evil.com/"}, want: invalid},
		{name: "sign-in trusted origin without metadata", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Origin": "http://localhost:8080"}},
		{name: "sign-in with cookie uses cookie rule", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Origin": "http://localhost:3000"}},
		{name: "sign-in with cookie and no origin", method: "POST", path: "/api/auth/sign-in/email", headers: map[string]string{"Cookie": cookie}, want: missing},
		{name: "other path cross-site navigate without cookie passes", method: "POST", path: "/api/auth/sign-out", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}},
		{name: "sign-in-like path outside base not special", method: "POST", path: "/api/authx/sign-in/email", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran bool
			h := OriginCheck(o, "/api/auth")(okHandler(&ran))
			r := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.host != "" {
				r.Host = tt.host
			}
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if tt.want == "" {
				if !ran || w.Code != http.StatusOK {
					t.Fatalf("blocked: %d %s", w.Code, w.Body)
				}
				return
			}
			if ran {
				t.Fatal("handler ran for a blocked request")
			}
			if w.Code != http.StatusForbidden {
				t.Fatalf("status = %d, want 403", w.Code)
			}
			if got := strings.TrimSpace(w.Body.String()); got != tt.want {
				t.Fatalf("body = %s, want %s", got, tt.want)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type = %q", ct)
			}
		})
	}
}

func TestOriginCheckDuplicateOriginHeaders(t *testing.T) {
	o := mustOrigins("http://localhost:8080")
	var ran bool
	h := OriginCheck(o, "/api/auth")(okHandler(&ran))
	r := httptest.NewRequest("POST", "/api/auth/sign-out", nil)
	r.Header.Set("Cookie", "a=b")
	r.Header.Add("Origin", "http://localhost:8080")
	r.Header.Add("Origin", "https://evil.com")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var e OriginError
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	if ran || e.Code != CodeInvalidOrigin {
		t.Fatalf("two Origin headers: ran=%v body=%s, want INVALID_ORIGIN", ran, w.Body)
	}
}

func TestCheckFunctions(t *testing.T) {
	o := mustOrigins("http://localhost:8080")
	get := httptest.NewRequest("GET", "/api/auth/sign-in/email", nil)
	get.Header.Set("Cookie", "a=b")
	get.Header.Set("Sec-Fetch-Site", "cross-site")
	get.Header.Set("Sec-Fetch-Mode", "navigate")
	if e := o.CheckOrigin(get); e != nil {
		t.Fatalf("CheckOrigin(GET) = %v", e)
	}
	if e := o.CheckFormCSRF(get); e != nil {
		t.Fatalf("CheckFormCSRF(GET) = %v", e)
	}
	post := httptest.NewRequest("POST", "/anything", nil)
	post.Header.Set("Sec-Fetch-Site", "cross-site")
	post.Header.Set("Sec-Fetch-Mode", "navigate")
	if e := o.CheckOrigin(post); e != nil {
		t.Fatalf("CheckOrigin without cookie = %v", e)
	}
	e := o.CheckFormCSRF(post)
	if e == nil || e.Code != CodeCrossSiteNavigation {
		t.Fatalf("CheckFormCSRF = %v, want %s", e, CodeCrossSiteNavigation)
	}
	var err error = e
	if err.Error() != CodeCrossSiteNavigation+": "+MsgCrossSiteNavigation {
		t.Fatalf("Error() = %q", err.Error())
	}
	post.Header.Set("Cookie", "a=b")
	if e := o.CheckOrigin(post); e == nil || e.Code != CodeMissingOrNullOrigin {
		t.Fatalf("CheckOrigin with cookie = %v", e)
	}
}
