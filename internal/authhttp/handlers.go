package authhttp

import (
	"net/http"
	"strconv"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/token"
)

// Body schemas, as Better Auth 1.7.25 declares them with zod.
var (
	signUpSchema = schema{andRecord: true, fields: []field{
		{name: "name", kind: kString},
		{name: "email", kind: kEmail},
		{name: "password", kind: kString, nonEmpty: true},
		{name: "image", kind: kString, optional: true},
		{name: "callbackURL", kind: kString, optional: true},
		{name: "rememberMe", kind: kBool, optional: true},
	}}
	signInSchema = schema{fields: []field{
		{name: "email", kind: kString},
		{name: "password", kind: kString},
		{name: "callbackURL", kind: kString, optional: true},
		{name: "rememberMe", kind: kBool, optional: true},
	}}
	signOutSchema = schema{optional: true, fields: []field{
		{name: "callbackURL", kind: kString, optional: true},
		{name: "disableRedirect", kind: kBool, optional: true},
		{name: "state", kind: kString, optional: true},
	}}
	revokeSessionSchema  = schema{fields: []field{{name: "token", kind: kString}}}
	changePasswordSchema = schema{fields: []field{
		{name: "newPassword", kind: kString},
		{name: "currentPassword", kind: kString},
		{name: "revokeOtherSessions", kind: kBool, optional: true},
	}}
	verifyPasswordSchema = schema{fields: []field{{name: "password", kind: kString}}}
)

// signUpResponse is {"token","user"}.
type signUpResponse struct {
	Token *string  `json:"token"`
	User  userJSON `json:"user"`
}

// signInResponse is {"redirect","token","url"?,"user"}.
type signInResponse struct {
	Redirect bool     `json:"redirect"`
	Token    string   `json:"token"`
	URL      *string  `json:"url,omitempty"`
	User     userJSON `json:"user"`
}

type sessionResponse struct {
	Session sessionJSON `json:"session"`
	User    userJSON    `json:"user"`
}

type tokenSessionResponse struct {
	Token   string      `json:"token"`
	User    userJSON    `json:"user"`
	Session sessionJSON `json:"session"`
}

type statusResponse struct {
	Status bool `json:"status"`
}

func handleSignUp(c *call) error {
	obj, err := c.validate(signUpSchema)
	if err != nil {
		return err
	}
	in := auth.SignUpInput{Name: obj["name"].(string), Email: obj["email"].(string),
		Password: obj["password"].(string), RememberMe: true}
	if img, ok := str(obj, "image"); ok {
		in.Image = &img
	}
	if rm, ok := obj["rememberMe"].(bool); ok {
		in.RememberMe = rm
	}
	u, sess, err := c.s.Service.SignUp(c.ctx, in)
	if err != nil {
		return err
	}
	dr := !in.RememberMe
	c.setSessionCookie(sess.Token, &dr)
	return c.reply(signUpResponse{Token: &sess.Token, User: userOut(u)})
}

func handleSignIn(c *call) error {
	obj, err := c.validate(signInSchema)
	if err != nil {
		return err
	}
	remember := true
	if rm, ok := obj["rememberMe"].(bool); ok {
		remember = rm
	}
	u, sess, err := c.s.Service.SignIn(c.ctx, obj["email"].(string), obj["password"].(string), remember)
	if err != nil {
		return err
	}
	dr := !remember
	c.setSessionCookie(sess.Token, &dr)
	resp := signInResponse{Token: sess.Token, User: userOut(u)}
	if cb, ok := str(obj, "callbackURL"); ok {
		resp.URL = &cb
		resp.Redirect = cb != ""
		if cb != "" {
			c.w.Header().Set("Location", cb)
		}
	}
	return c.reply(resp)
}

func handleSignOut(c *call) error {
	if _, err := validate(c.body, signOutSchema); err != nil {
		return err
	}
	c.s.Service.SignOut(c.ctx, c.sessionToken())
	c.deleteSessionCookies()
	return c.reply(struct {
		Success bool `json:"success"`
	}{true})
}

func handleGetSession(c *call) error {
	c.noStore()
	if c.hasSessionData() {
		c.cleanSessionData()
	}
	ok, err := c.resolveSession()
	if err != nil {
		return err
	}
	if !ok {
		return c.statusNull(http.StatusOK)
	}
	c.finish()
	c.setJWTHeader()
	writeJSON(c.w, http.StatusOK, sessionResponse{Session: sessionOut(c.sess), User: userOut(c.user)})
	return nil
}

// setJWTHeader adds the jwt plugin's set-auth-jwt header for the resolved
// session. A signing failure is logged and the header left out.
func (c *call) setJWTHeader() {
	if c.s.Tokens == nil {
		return
	}
	jwt, err := c.jwt()
	if err != nil {
		c.s.logger(c.ctx).Error("auth: sign jwt", "error", err.Error())
		return
	}
	c.w.Header().Set("Set-Auth-Jwt", jwt)
	exposeHeader(c.w.Header(), "set-auth-jwt")
}

// jwt signs the token of the resolved session: sub = user id, email, sid =
// session id. The same token is reused for up to jwtReuse.
func (c *call) jwt() (string, error) {
	k := jwtKey{sid: c.sess.ID, sub: c.user.ID, email: c.user.Email}
	if ki, ok := c.s.Tokens.(keyIdentifier); ok {
		k.kid = ki.SigningKeyID()
	}
	now := c.s.now()
	if tok, ok := c.s.jwts.get(k, now); ok {
		return tok, nil
	}
	tok, err := c.s.Tokens.Sign(token.Claims{Subject: c.user.ID, Email: c.user.Email, SessionID: c.sess.ID})
	if err == nil {
		c.s.jwts.put(k, tok, now)
	}
	return tok, err
}

func handleListSessions(c *call) error {
	if err := c.requireSession(); err != nil {
		return err
	}
	list, err := c.s.Service.ListSessions(c.ctx, c.sess)
	if err != nil {
		// Better Auth checks freshness in a middleware, whose errors
		// carry no cookies (not even a sliding refresh's).
		c.jar.entries = nil
		return err
	}
	out := make([]sessionJSON, 0, len(list))
	for i := range list {
		out = append(out, sessionOut(&list[i]))
	}
	return c.reply(out)
}

func handleRevokeSession(c *call) error {
	obj, err := validate(c.body, revokeSessionSchema)
	if err != nil {
		return err
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	current, err := c.s.Service.RevokeSession(c.ctx, c.sess, obj["token"].(string))
	if err != nil {
		return err
	}
	if current {
		c.deleteSessionCookies()
	}
	return c.reply(statusResponse{true})
}

func handleRevokeSessions(c *call) error {
	if err := c.requireSession(); err != nil {
		return err
	}
	if err := c.s.Service.RevokeSessions(c.ctx, c.sess); err != nil {
		return err
	}
	c.deleteSessionCookies()
	return c.reply(statusResponse{true})
}

func handleRevokeOtherSessions(c *call) error {
	if err := c.requireSession(); err != nil {
		return err
	}
	if err := c.s.Service.RevokeOtherSessions(c.ctx, c.sess); err != nil {
		return err
	}
	return c.reply(statusResponse{true})
}

func handleUpdateUser(c *call) error {
	obj, err := recordBody(c.body)
	if err != nil {
		return err
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	if truthy(obj["email"]) {
		return auth.ErrEmailCannotBeUpdated
	}
	var upd latch.UserUpdate
	if v, ok := obj["name"]; ok {
		s, isStr := v.(string)
		if !isStr {
			return &auth.Error{Status: http.StatusBadRequest, Code: errValidator,
				Message: "[body.name] Invalid input: expected string, received " + typeName(v)}
		}
		upd.Name = &s
	}
	if v, ok := obj["image"]; ok {
		switch x := v.(type) {
		case nil:
			var none *string
			upd.Image = &none
		case string:
			p := &x
			upd.Image = &p
		default:
			return &auth.Error{Status: http.StatusBadRequest, Code: errValidator,
				Message: "[body.image] Invalid input: expected string, received " + typeName(v)}
		}
	}
	if _, err := c.s.Service.UpdateUser(c.ctx, c.user.ID, upd); err != nil {
		return err
	}
	c.setSessionCookie(c.sess.Token, nil)
	return c.reply(statusResponse{true})
}

func handleChangePassword(c *call) error {
	obj, err := validate(c.body, changePasswordSchema)
	if err != nil {
		return err
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	revoke, _ := obj["revokeOtherSessions"].(bool)
	ns, err := c.s.Service.ChangePassword(c.ctx, c.sess, obj["newPassword"].(string), obj["currentPassword"].(string), revoke)
	if err != nil {
		return err
	}
	resp := signUpResponse{User: userOut(c.user)}
	if ns != nil {
		c.setSessionCookie(ns.Token, nil)
		resp.Token = &ns.Token
	}
	return c.reply(resp)
}

func handleVerifyPassword(c *call) error {
	obj, err := validate(c.body, verifyPasswordSchema)
	if err != nil {
		return err
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	if err := c.s.Service.CheckPassword(c.ctx, c.user.ID, obj["password"].(string)); err != nil {
		return err
	}
	return c.reply(statusResponse{true})
}

func handleOK(c *call) error {
	return c.reply(struct {
		OK bool `json:"ok"`
	}{true})
}

// handleToken is the jwt plugin's GET /token.
func handleToken(c *call) error {
	if c.s.Tokens == nil {
		c.w.WriteHeader(http.StatusNotFound)
		return nil
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	jwt, err := c.jwt()
	if err != nil {
		return err
	}
	return c.reply(struct {
		Token string `json:"token"`
	}{jwt})
}

// JWKSMaxAge is how long clients may cache GET /jwks. A rotated key stays
// published for much longer (the token lifetime), and verifiers refetch on
// an unknown kid, so a rotation fails no request.
const JWKSMaxAge = 300

// handleJWKS is the jwt plugin's GET /jwks: the public keys, never a
// private one (auth.KeyRing writes public JWKs only).
func handleJWKS(c *call) error {
	if c.s.Keys == nil {
		c.w.WriteHeader(http.StatusNotFound)
		return nil
	}
	doc, err := c.s.Keys.JWKS(c.r.Context())
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(JWKSMaxAge))
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	_, err = c.w.Write(doc)
	return err
}

// handleSessionToken is Latch's GET /api/auth/session for the Next.js
// API-client snippet: {"token": jwt, "user", "session"}, or null with 401.
func handleSessionToken(c *call) error {
	if c.s.Tokens == nil {
		c.w.WriteHeader(http.StatusNotFound)
		return nil
	}
	c.noStore()
	ok, err := c.resolveSession()
	if err != nil {
		return err
	}
	if !ok {
		return c.statusNull(http.StatusUnauthorized)
	}
	jwt, err := c.jwt()
	if err != nil {
		return err
	}
	return c.reply(tokenSessionResponse{Token: jwt, User: userOut(c.user), Session: sessionOut(c.sess)})
}
