package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/tasks"
	"github.com/latchhq/latch/token/tokenhttp"
)

// owner returns the token subject and the path's user_id after checking
// that they match (403 otherwise). It runs before any input is read.
func owner(r *http.Request) (subject, userID string, err error) {
	claims, ok := tokenhttp.FromContext(r.Context())
	if !ok {
		return "", "", latch.ErrUnauthenticated
	}
	userID = r.PathValue("user_id")
	if err := tasks.Authorize(claims.Subject, userID); err != nil {
		return "", "", err
	}
	return claims.Subject, userID, nil
}

// ownerAndID is owner plus the {id} path parameter (422 when it is not
// an integer).
func ownerAndID(r *http.Request) (subject, userID string, id int64, err error) {
	subject, userID, err = owner(r)
	if err != nil {
		return "", "", 0, err
	}
	id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if perr != nil {
		verr := &latch.ValidationError{}
		verr.Add("path", "id", "must be an integer")
		return "", "", 0, verr
	}
	return subject, userID, id, nil
}

func listTasks(a *api, w http.ResponseWriter, r *http.Request) error {
	sub, userID, err := owner(r)
	if err != nil {
		return err
	}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return &httpError{status: http.StatusBadRequest, detail: "Malformed query string"}
	}
	q, err := tasks.ParseListQuery(values)
	if err != nil {
		return err
	}
	page, err := a.svc.List(r.Context(), sub, userID, q)
	if err != nil {
		return err
	}
	if page.NextCursor != "" {
		w.Header().Set("Link", nextLink(r, values, page.NextCursor))
	}
	if page.Total >= 0 {
		w.Header().Set("X-Total-Count", strconv.Itoa(page.Total))
	}
	writeTasks(w, http.StatusOK, page.Tasks)
	return nil
}

// nextLink is the RFC 8288 Link header value of the next page: the
// request's own path (with or without its trailing slash) and query, with
// offset dropped and cursor set, as a path-absolute reference.
func nextLink(r *http.Request, query url.Values, cursor string) string {
	next := url.Values{}
	for k, v := range query {
		if k != "offset" && k != "cursor" {
			next[k] = v
		}
	}
	next.Set("cursor", cursor)
	return "<" + r.URL.EscapedPath() + "?" + next.Encode() + `>; rel="next"`
}

func createTask(a *api, w http.ResponseWriter, r *http.Request) error {
	sub, userID, err := owner(r)
	if err != nil {
		return err
	}
	var body TaskCreate
	err = decodeBody(w, r, &body)
	in := tasks.Input{Title: body.Title, Description: body.Description}
	if err != nil {
		return withRuleErrors(err, in)
	}
	t, err := a.svc.Create(r.Context(), sub, userID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/"+url.PathEscape(userID)+"/tasks/"+strconv.FormatInt(t.ID, 10))
	writeTask(w, http.StatusCreated, t)
	return nil
}

func getTask(a *api, w http.ResponseWriter, r *http.Request) error {
	sub, userID, id, err := ownerAndID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.Get(r.Context(), sub, userID, id)
	if err != nil {
		return err
	}
	writeTask(w, http.StatusOK, t)
	return nil
}

func updateTask(a *api, w http.ResponseWriter, r *http.Request) error {
	sub, userID, id, err := ownerAndID(r)
	if err != nil {
		return err
	}
	var body TaskUpdate
	err = decodeBody(w, r, &body)
	in := tasks.Input{Title: body.Title, Description: body.Description, Completed: body.Completed}
	if err != nil {
		return withRuleErrors(err, in)
	}
	t, err := a.svc.Update(r.Context(), sub, userID, id, in)
	if err != nil {
		return err
	}
	writeTask(w, http.StatusOK, t)
	return nil
}

func toggleTask(a *api, w http.ResponseWriter, r *http.Request) error {
	sub, userID, id, err := ownerAndID(r)
	if err != nil {
		return err
	}
	t, err := a.svc.Toggle(r.Context(), sub, userID, id)
	if err != nil {
		return err
	}
	writeTask(w, http.StatusOK, t)
	return nil
}

func deleteTask(a *api, w http.ResponseWriter, r *http.Request) error {
	sub, userID, id, err := ownerAndID(r)
	if err != nil {
		return err
	}
	if err := a.svc.Delete(r.Context(), sub, userID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// withRuleErrors adds, to the per-field type errors of decodeBody, the
// rule errors of the fields that did decode, so that one answer lists
// every mistake. Other decoding errors are returned as they are.
func withRuleErrors(decodeErr error, in tasks.Input) error {
	var typeErrs *latch.ValidationError
	if !errors.As(decodeErr, &typeErrs) || len(typeErrs.Fields) == 0 || typeErrs.Fields[0].Field == "" {
		return decodeErr
	}
	bad := map[string]bool{}
	for _, f := range typeErrs.Fields {
		bad[f.Field] = true
	}
	var rules *latch.ValidationError
	if _, err := tasks.Validate(in); errors.As(err, &rules) {
		for _, f := range rules.Fields {
			if !bad[f.Field] {
				typeErrs.Fields = append(typeErrs.Fields, f)
			}
		}
	}
	return typeErrs
}
