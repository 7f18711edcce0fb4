package authhttp

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/latchhq/latch/internal/auth"
)

// Body schemas of the account lifecycle routes (Better Auth 1.7.25).
var (
	requestResetSchema = schema{fields: []field{
		{name: "email", kind: kEmail},
		{name: "redirectTo", kind: kString, optional: true},
	}}
	resetPasswordSchema = schema{fields: []field{
		{name: "newPassword", kind: kString},
		{name: "token", kind: kString, optional: true},
	}}
	sendVerificationSchema = schema{fields: []field{
		{name: "email", kind: kEmail},
		{name: "callbackURL", kind: kString, optional: true},
	}}
	changeEmailSchema = schema{fields: []field{
		{name: "newEmail", kind: kEmail},
		{name: "callbackURL", kind: kString, optional: true},
	}}
	deleteUserSchema = schema{fields: []field{
		{name: "callbackURL", kind: kString, optional: true},
		{name: "password", kind: kString, optional: true},
		{name: "token", kind: kString, optional: true},
	}}
)

// lifecycleRoutes are the routes of password reset, email verification,
// change of email and deletion.
func lifecycleRoutes(m map[string]route) {
	m["/request-password-reset"] = route{http.MethodPost, jsonOnly, handleRequestPasswordReset}
	m["/reset-password"] = route{http.MethodPost, jsonOnly, handleResetPassword}
	m["/send-verification-email"] = route{http.MethodPost, jsonOnly, handleSendVerificationEmail}
	m["/verify-email"] = route{http.MethodGet, nil, handleVerifyEmail}
	m["/change-email"] = route{http.MethodPost, jsonOnly, handleChangeEmail}
	m["/delete-user"] = route{http.MethodPost, jsonOnly, handleDeleteUser}
	m["/delete-user/callback"] = route{http.MethodGet, nil, handleDeleteUserCallback}
}

// resetCallbackPrefix is GET /reset-password/:token.
const resetCallbackPrefix = "/reset-password/"

var resetCallbackRoute = route{http.MethodGet, nil, handleResetPasswordCallback}

// query returns the query parameter name: ok=false when absent;
// a repeated parameter gets a VALIDATION_ERROR as zod gives an array.
func (c *call) query(name string, required bool) (string, error) {
	vs, present := c.r.URL.Query()[name]
	switch {
	case !present && required:
		return "", &auth.Error{Status: http.StatusBadRequest, Code: errValidator,
			Message: "[query." + name + "] Invalid input: expected string, received undefined"}
	case !present:
		return "", nil
	case len(vs) > 1:
		return "", &auth.Error{Status: http.StatusBadRequest, Code: errValidator,
			Message: "[query." + name + "] Invalid input: expected string, received array"}
	}
	return vs[0], nil
}

// checkQueryCallback is Better Auth's originCheck on a GET route's
// callbackURL: 403 INVALID_CALLBACK_URL for an untrusted target.
func (c *call) checkQueryCallback(cb string) error {
	if cb != "" && c.s.Origins != nil && !c.s.Origins.SafeRedirect(cb) {
		return auth.ErrInvalidCallbackURL
	}
	return nil
}

// redirect answers 302 to target, with the pending cookies and an empty
// body labelled application/json, as Better Auth's ctx.redirect does.
func (c *call) redirect(target string) error {
	c.finish()
	c.w.Header().Set("Location", target)
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusFound)
	return nil
}

func handleRequestPasswordReset(c *call) error {
	obj, err := c.validate(requestResetSchema)
	if err != nil {
		return err
	}
	redirectTo, _ := str(obj, "redirectTo")
	after, err := c.s.Service.RequestPasswordReset(c.ctx, obj["email"].(string), redirectTo)
	if err != nil {
		return err
	}
	// Answer first, then make the row and the mail (known emails) or the
	// dummy lookup (unknown ones): the answer's timing is the same.
	_ = c.reply(struct {
		Status  bool   `json:"status"`
		Message string `json:"message"`
	}{true, auth.ResetPasswordMessage})
	_ = http.NewResponseController(c.w).Flush()
	c.s.Service.Later(after)
	return nil
}

func handleResetPasswordCallback(c *call) error {
	tok, err := url.PathUnescape(strings.TrimPrefix(c.r.URL.EscapedPath(), BasePath+resetCallbackPrefix))
	if err != nil {
		tok = ""
	}
	cb, err := c.query("callbackURL", true)
	if err != nil {
		return err
	}
	if err := c.checkQueryCallback(cb); err != nil {
		return err
	}
	if tok == "" || cb == "" {
		return c.redirect(c.resolve(cb, "/error", "error", "INVALID_TOKEN"))
	}
	ok, err := c.s.Service.ResetTokenValid(c.ctx, tok)
	if err != nil {
		return err
	}
	if !ok {
		return c.redirect(c.resolve(cb, "", "error", "INVALID_TOKEN"))
	}
	return c.redirect(c.resolve(cb, "", "token", tok))
}

// resolve is Better Auth's redirectCallback/redirectError: target (or
// BaseURL+fallback when target is empty) resolved against the auth base
// URL, with the query parameter key set to value.
func (c *call) resolve(target, fallback, key, value string) string {
	base, err := url.Parse(strings.TrimRight(c.s.BaseURL, "/") + BasePath)
	if err != nil {
		base = &url.URL{Path: BasePath}
	}
	if target == "" {
		target = base.String() + fallback
	}
	u, err := base.Parse(target)
	if err != nil {
		return base.String() + "/error?error=INVALID_TOKEN"
	}
	return setParam(u, key, value)
}

// setParam sets key=value in u's query like URLSearchParams.set: the
// first occurrence is replaced in place, later ones dropped, else it is
// appended.
func setParam(u *url.URL, key, value string) string {
	pair := url.QueryEscape(key) + "=" + url.QueryEscape(value)
	var out []string
	done := false
	for _, p := range strings.Split(u.RawQuery, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil && dk == key {
			if !done {
				out, done = append(out, pair), true
			}
			continue
		}
		out = append(out, p)
	}
	if !done {
		out = append(out, pair)
	}
	u.RawQuery = strings.Join(out, "&")
	if u.Scheme != "" && u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// appendError is Better Auth's appendQueryParams(callbackURL, {error}):
// the parameter is added after the existing query.
func appendError(target, code string) string {
	q := "error=" + url.QueryEscape(code)
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	switch {
	case u.RawQuery == "":
		u.RawQuery = q
	case strings.HasSuffix(u.RawQuery, "&"):
		u.RawQuery += q
	default:
		u.RawQuery += "&" + q
	}
	if u.Scheme != "" && u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

func handleResetPassword(c *call) error {
	obj, err := validate(c.body, resetPasswordSchema)
	if err != nil {
		return err
	}
	tok, _ := str(obj, "token")
	if tok == "" {
		if tok, err = c.query("token", false); err != nil {
			return err
		}
	}
	if err := c.s.Service.ResetPassword(c.ctx, tok, obj["newPassword"].(string)); err != nil {
		return err
	}
	return c.reply(statusResponse{true})
}

func handleSendVerificationEmail(c *call) error {
	obj, err := validate(c.body, sendVerificationSchema)
	if err != nil {
		return err
	}
	if !c.s.Service.MailEnabled() {
		return auth.ErrVerificationEmailNotEnabled
	}
	if _, err := c.resolveSession(); err != nil {
		return err
	}
	cb, _ := str(obj, "callbackURL")
	if err := c.s.Service.SendVerificationEmail(c.ctx, c.user, obj["email"].(string), cb); err != nil {
		return err
	}
	return c.reply(statusResponse{true})
}

func handleVerifyEmail(c *call) error {
	tok, cb, err := c.tokenAndCallback()
	if err != nil {
		return err
	}
	if _, err := c.resolveSession(); err != nil {
		return err
	}
	res, err := c.s.Service.VerifyEmail(c.ctx, tok, cb, c.user)
	if err != nil {
		var ae *auth.Error
		if cb != "" && errors.As(err, &ae) {
			c.jar.entries = nil
			return c.redirect(appendError(cb, ae.Code))
		}
		return err
	}
	if res.SessionUser != nil && c.sess != nil {
		c.setSessionCookie(c.sess.Token, nil)
	}
	if cb != "" {
		return c.redirect(cb)
	}
	var u *userJSON
	if res.User != nil {
		out := userOut(res.User)
		u = &out
	}
	return c.reply(struct {
		Status bool      `json:"status"`
		User   *userJSON `json:"user"`
	}{true, u})
}

func handleChangeEmail(c *call) error {
	obj, err := validate(c.body, changeEmailSchema)
	if err != nil {
		return err
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	cb, _ := str(obj, "callbackURL")
	if err := c.s.Service.ChangeEmail(c.ctx, c.user, obj["newEmail"].(string), cb); err != nil {
		return err
	}
	return c.reply(statusResponse{true})
}

type deleteResponse struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

func handleDeleteUser(c *call) error {
	obj, err := validate(c.body, deleteUserSchema)
	if err != nil {
		return err
	}
	if err := c.requireSession(); err != nil {
		return err
	}
	in := auth.DeleteUserInput{}
	in.Password, _ = str(obj, "password")
	in.Token, _ = str(obj, "token")
	in.CallbackURL, _ = str(obj, "callbackURL")
	msg, err := c.s.Service.DeleteUser(c.ctx, c.sess, c.user, in)
	if err != nil {
		return err
	}
	if msg == auth.DeletedMessage {
		c.deleteSessionCookies()
	}
	return c.reply(deleteResponse{true, msg})
}

func handleDeleteUserCallback(c *call) error {
	tok, cb, err := c.tokenAndCallback()
	if err != nil {
		return err
	}
	ok, err := c.resolveSession()
	if err != nil {
		return err
	}
	if !ok {
		c.jar.entries = nil
		return auth.ErrFailedToGetUserInfo
	}
	if err := c.s.Service.DeleteWithToken(c.ctx, c.user, tok); err != nil {
		return err
	}
	c.deleteSessionCookies()
	if cb != "" {
		return c.redirect(cb)
	}
	return c.reply(deleteResponse{true, auth.DeletedMessage})
}

// tokenAndCallback reads the emailed link's token and its checked
// callbackURL from the query (the GET routes the mail links open).
func (c *call) tokenAndCallback() (tok, cb string, err error) {
	if tok, err = c.query("token", true); err != nil {
		return "", "", err
	}
	if cb, err = c.query("callbackURL", false); err != nil {
		return "", "", err
	}
	return tok, cb, c.checkQueryCallback(cb)
}
