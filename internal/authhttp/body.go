package authhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/latchhq/latch/internal/auth"
)

// DefaultMaxBodyBytes is the request body limit when Server.MaxBodyBytes
// is zero.
const DefaultMaxBodyBytes = 1 << 20

const (
	mediaJSON = "application/json"
	mediaForm = "application/x-www-form-urlencoded"
)

var (
	errTooLarge  = &auth.Error{Status: http.StatusRequestEntityTooLarge, Code: "PAYLOAD_TOO_LARGE", Message: "Request body is too large"}
	errBadJSON   = &auth.Error{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Message: "Invalid JSON in request body"}
	errReadBody  = &auth.Error{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Message: "Could not read request body"}
	errValidator = "VALIDATION_ERROR"
)

// undefined stands for an absent body or key (JavaScript's undefined).
type undefinedT struct{}

var undefined any = undefinedT{}

// readBody reads and decodes the request body as better-call's getBody
// does. It returns undefined when the request has no body. allowed lists
// the accepted media types (JSON always; form only where Better Auth
// allows it).
func readBody(w http.ResponseWriter, r *http.Request, limit int64, allowed []string) (any, error) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return undefined, nil
	}
	ct := r.Header.Get("Content-Type")
	mt := strings.TrimSpace(strings.SplitN(strings.ToLower(ct), ";", 2)[0])
	ok := false
	for _, a := range allowed {
		if mt == a {
			ok = true
		}
	}
	if !ok {
		list := strings.Join(allowed, ", ")
		if ct == "" {
			return nil, &auth.Error{Status: http.StatusUnsupportedMediaType, Code: "UNSUPPORTED_MEDIA_TYPE",
				Message: "Content-Type is required. Allowed types: " + list}
		}
		return nil, &auth.Error{Status: http.StatusUnsupportedMediaType, Code: "UNSUPPORTED_MEDIA_TYPE",
			Message: fmt.Sprintf("Content-Type %q is not allowed. Allowed types: %s", ct, list)}
	}
	if r.ContentLength > limit {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge
		}
		return nil, errReadBody
	}
	if mt == mediaForm {
		return parseForm(string(data)), nil
	}
	// Fetch's JSON parsing decodes UTF-8 and drops a leading BOM.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, errBadJSON
	}
	return v, nil
}

// parseForm decodes application/x-www-form-urlencoded like URLSearchParams:
// "+" is a space, bad escapes stay literal, the last value of a repeated
// key wins, and every value is a string.
func parseForm(s string) map[string]any {
	out := map[string]any{}
	for _, pair := range strings.Split(s, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		out[formDecode(k)] = formDecode(v)
	}
	return out
}

func formDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// typeName is zod's name for the received type.
func typeName(v any) string {
	switch v.(type) {
	case undefinedT:
		return "undefined"
	case nil:
		return "null"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// kind is a field type in a body schema.
type kind int

const (
	kString kind = iota
	kBool
	kEmail // z.email()
)

// field is one key of a zod object schema.
type field struct {
	name     string
	kind     kind
	optional bool
	nonEmpty bool // z.string().nonempty()
}

// schema is a zod object schema (fields in declaration order, which is
// the order zod reports issues in).
type schema struct {
	fields []field
	// andRecord mirrors .and(z.record(...)): a non-object body gets a
	// second "expected record" issue.
	andRecord bool
	// optional allows an absent body (z.object(...).optional()).
	optional bool
}

// validate checks body against sc and returns the body as an object, or
// a VALIDATION_ERROR with zod's message format.
func validate(body any, sc schema) (map[string]any, error) {
	if _, ok := body.(undefinedT); ok && sc.optional {
		return map[string]any{}, nil
	}
	obj, ok := body.(map[string]any)
	if !ok {
		msg := "[body] Invalid input: expected object, received " + typeName(body)
		if sc.andRecord {
			msg += "; [body] Invalid input: expected record, received " + typeName(body)
		}
		return nil, &auth.Error{Status: http.StatusBadRequest, Code: errValidator, Message: msg}
	}
	var issues []string
	for _, f := range sc.fields {
		v, present := obj[f.name]
		if !present {
			if f.optional {
				continue
			}
			v = undefined
		}
		issues = append(issues, checkField(f, v)...)
	}
	if len(issues) > 0 {
		return nil, &auth.Error{Status: http.StatusBadRequest, Code: errValidator, Message: strings.Join(issues, "; ")}
	}
	return obj, nil
}

func checkField(f field, v any) []string {
	at := "[body." + f.name + "] "
	switch f.kind {
	case kBool:
		if _, ok := v.(bool); !ok {
			return []string{at + "Invalid input: expected boolean, received " + typeName(v)}
		}
	default:
		s, ok := v.(string)
		if !ok {
			return []string{at + "Invalid input: expected string, received " + typeName(v)}
		}
		if f.kind == kEmail && auth.PasswordLength(s) > auth.MaxEmailLength {
			return []string{at + "Too big: expected string to have <=" + strconv.Itoa(auth.MaxEmailLength) + " characters"}
		}
		if f.kind == kEmail && !auth.ValidEmail(s) {
			return []string{at + "Invalid email address"}
		}
		if f.nonEmpty && s == "" {
			return []string{at + "Too small: expected string to have >=1 characters"}
		}
	}
	return nil
}

// recordBody checks a z.record(z.string(), z.any()) body.
func recordBody(body any) (map[string]any, error) {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, &auth.Error{Status: http.StatusBadRequest, Code: errValidator,
			Message: "[body] Invalid input: expected record, received " + typeName(body)}
	}
	return obj, nil
}

// truthy is JavaScript truthiness for a decoded JSON value.
func truthy(v any) bool {
	switch x := v.(type) {
	case undefinedT, nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0 && x == x
	default:
		return true
	}
}

// str returns obj[key] when it is a string.
func str(obj map[string]any, key string) (string, bool) {
	s, ok := obj[key].(string)
	return s, ok
}
